import { z } from 'zod';

// Building blocks shared by the three kinds. Every schema carries its own description, which the
// CRD keeps, so `kubectl explain` shows the same words as this file.

/** ECS names (family, container, volume, service): up to 255 letters, numbers, hyphens, underscores. */
export const ECS_NAME_PATTERN = '^[A-Za-z0-9_-]{1,255}$';

/** The largest int32, the bound of ECS's Integer and of Kubernetes' int32 fields. */
export const INT32_MAX = 2147483647;

export function ecsName(description: string) {
  return z.string().max(255).regex(new RegExp(ECS_NAME_PATTERN), 'must be 1 to 255 letters, numbers, hyphens or underscores').describe(description);
}

export function text(description: string, maxLength?: number) {
  const s = maxLength === undefined ? z.string() : z.string().max(maxLength);
  return s.describe(description);
}

export function flag(description: string) {
  return z.boolean().describe(description);
}

/**
 * An integer field. ECS's model types them Integer (int32) unless it gives a narrower range, and
 * the Kubernetes fields rendered from them are int32, so the default bounds are int32's; the CRD
 * carries the same bounds as this schema.
 */
export function int(description: string, min?: number, max?: number) {
  let n = z.int32();
  if (min !== undefined) n = n.min(min);
  if (max !== undefined) n = n.max(max);
  return n.describe(description);
}

export function strings(description: string, maxItems?: number, maxLength?: number) {
  const item = maxLength === undefined ? z.string() : z.string().max(maxLength);
  const a = maxItems === undefined ? z.array(item) : z.array(item).max(maxItems);
  return a.describe(description);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values).describe(description);
}

/**
 * A value that may be an integer or a string, like Kubernetes resource quantities, so that YAML
 * `cpu: 256` and JSON `"cpu": "256"` both work. `pattern` constrains the string form only.
 */
export function intOrString(description: string, pattern: string, hint: string, maxLength = 32) {
  const re = new RegExp(pattern);
  return (
    z
      .union([z.int32().min(0, hint), z.string()], { error: hint })
      .refine((v) => (typeof v === 'number' ? v >= 0 : v.length <= maxLength && re.test(v)), hint)
      // minimum, maximum and pattern sit on the node itself: Kubernetes applies each to the form it fits.
      .meta({ description, 'x-kubernetes-int-or-string': true, minimum: 0, maximum: INT32_MAX, pattern, maxLength })
  );
}

/** A string-to-string map (labels, options, driver options). */
export function stringMap(description: string, maxProperties?: number) {
  const map = z.record(z.string(), z.string());
  if (maxProperties === undefined) return map.describe(description);
  return map
    .refine((m) => Object.keys(m).length <= maxProperties, `must have at most ${maxProperties} entries`)
    .meta({ description, maxProperties });
}

/** ECS `{name, value}` pairs, as used by environment and proxy properties. */
export function keyValuePairs(description: string, maxItems?: number) {
  const pair = z.strictObject({
    name: text('The name of the variable or property.'),
    value: text('The value of the variable or property.').optional(),
  });
  const a = maxItems === undefined ? z.array(pair) : z.array(pair).max(maxItems);
  return a.describe(description);
}

/** ECS resource tags: a list of `{key, value}`, at most 50. */
export function ecsTags(description: string) {
  return z
    .array(
      z.strictObject({
        key: z.string().min(1).max(128).describe('The tag key: 1 to 128 characters.'),
        value: z.string().max(256).describe('The tag value: up to 256 characters.').optional(),
      }),
    )
    .max(50)
    .describe(description);
}

/** RFC 3339 timestamps in status, as Kubernetes writes them. */
export function timestamp(description: string) {
  return z.string().meta({ description, format: 'date-time' });
}

import { z } from 'zod';

// zod → Kubernetes structural schema. z.toJSONSchema gives OpenAPI 3.0 that is close to what
// apiextensions.k8s.io/v1 accepts; these rewrites close the gap:
//   - strict objects carry `additionalProperties: false` next to `properties`, which a structural
//     schema forbids: dropped (the apiserver prunes or, with strict field validation, rejects
//     unknown fields anyway);
//   - integers are z.int32() (fields.ts), whose bounds the CRD keeps, so the apiserver and zod
//     refuse the same values; a ±2^53 bound (z.int()) is flagged by structuralProblems;
//   - int-or-string unions keep bare `integer`/`string` branches, their constraints moved to the
//     node (where Kubernetes applies them to the string form);
//   - a node without a type (z.unknown) is marked x-kubernetes-preserve-unknown-fields.

export type JsonSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  required?: string[];
  description?: string;
};

const INT53 = Number.MAX_SAFE_INTEGER;

function rewrite(s: JsonSchema): void {
  if (s.properties !== undefined && s.additionalProperties !== undefined) delete s.additionalProperties;
  if (s['x-kubernetes-int-or-string'] === true) {
    s.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.type === undefined && s.anyOf === undefined && s['x-kubernetes-int-or-string'] === undefined) {
    s['x-kubernetes-preserve-unknown-fields'] = true;
  }
}

/** The structural schema of a zod schema, ready for a CRD's openAPIV3Schema. */
export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    cycles: 'throw',
    reused: 'inline',
    unrepresentable: 'throw',
    override: ({ jsonSchema }) => rewrite(jsonSchema as JsonSchema),
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * Problems that make a schema non-structural, or that hide fields from `kubectl explain`; empty
 * when the schema is fine. Used by the tests on the generated CRDs.
 */
export function structuralProblems(s: JsonSchema, path = '', described = true): string[] {
  const where = path === '' ? '<root>' : path;
  const out: string[] = [];
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of ['$ref', '$schema', '$defs', 'definitions', 'uniqueItems', 'propertyNames', 'oneOf', 'allOf', 'not', 'nullable']) {
    if (key in s) out.push(`${where}: ${key} is not allowed`);
  }
  if (typeof s.type !== 'string' && !intOrString && !preserve) out.push(`${where}: no type`);
  if (s.anyOf !== undefined && !intOrString) out.push(`${where}: anyOf is only allowed for int-or-string`);
  if (s.properties !== undefined && s.additionalProperties !== undefined) out.push(`${where}: properties and additionalProperties together`);
  if (s.additionalProperties === false || s.additionalProperties === true) out.push(`${where}: additionalProperties must be a schema`);
  if (s.minimum === -INT53 || s.maximum === INT53) out.push(`${where}: int53 bound`);
  // metadata is the one field whose schema the apiserver writes itself.
  if (!described && typeof s.description !== 'string' && path !== 'metadata') out.push(`${where}: no description`);
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    out.push(...structuralProblems(child, path === '' ? name : `${path}.${name}`, false));
  }
  if (s.items !== undefined) out.push(...structuralProblems(s.items, `${path}[]`));
  if (typeof s.additionalProperties === 'object') out.push(...structuralProblems(s.additionalProperties, `${path}{}`));
  return out;
}

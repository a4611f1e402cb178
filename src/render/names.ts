import { createHash } from 'node:crypto';

// Kubernetes names are stricter than ECS names (lowercase, no underscores, length limits), so
// every ECS name that becomes a Kubernetes name goes through one of these rules. They are
// deterministic and documented in README.md, because users and other renderers must be able
// to predict them (`kubectl logs -c`, Secret names, Service target ports).

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** First 8 hex digits of the SHA-256 of `value`: a short, stable disambiguator. */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/**
 * A DNS-1123 label-style name (`[a-z0-9-]`, starting and ending alphanumeric) of at most
 * `maxLength` characters: lowercased, every other character replaced by `-`, runs of `-`
 * made one, leading and trailing `-` dropped. A name that has
 * to be shortened keeps its head and gets `-<hash>` of the original, so two long names that
 * share a prefix still differ.
 */
export function dnsName(value: string, maxLength = 63): string {
  const cleaned = trimDashes(value.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-'));
  if (cleaned === '') return `x-${shortHash(value)}`;
  if (cleaned.length <= maxLength) return cleaned;
  return `${trimDashes(cleaned.slice(0, maxLength - 9))}-${shortHash(value)}`;
}

function trimDashes(value: string): string {
  return value.replace(/^-+/, '').replace(/-+$/, '');
}

/** True when `value` may be a label value as it is. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** True when `value` may be the name part of a label or annotation key. */
export function isLabelName(value: string): boolean {
  return value.length <= 63 && LABEL_NAME.test(value);
}

/**
 * `value` itself when it is a valid label value; otherwise its invalid characters become `-`,
 * and a value longer than 63 characters is cut to 54 plus `-<hash>`.
 */
export function labelValue(value: string): string {
  if (isLabelValue(value)) return value;
  const cleaned = trimEnds(value.replace(/[^-A-Za-z0-9_.]/g, '-'));
  if (cleaned.length <= 63 && cleaned !== '') return cleaned;
  return `${trimEnds(cleaned.slice(0, 54))}-${shortHash(value)}`.replace(/^-/, '');
}

function trimEnds(value: string): string {
  return value.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

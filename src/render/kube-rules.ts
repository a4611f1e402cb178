import { isIP } from 'node:net';
import { INT32_MAX } from '../api/fields.js';
import { isPortName } from './ports.js';

// Kubernetes' own validation rules for the values Berth renders, as kube-apiserver 1.36 applies
// them (k8s.io/apimachinery/pkg/util/validation, pkg/apis/core/validation, apps and autoscaling
// validation). Each rule returns what is wrong, in the apiserver's words where it has some, or
// undefined. The checker (render/check) applies them to rendered objects, so a value Kubernetes
// would refuse is refused before any write, with the ECS field named.

export { INT32_MAX };
/** runAsUser, runAsGroup: libcontainer's range (IsValidUserID, IsValidGroupID). */
const UNIX_ID_MAX = INT32_MAX;
/** Total size of the keys and values of an object's annotations (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/**
 * Not an apiserver rule but etcd's: it stores an object of at most 1.5 MiB, and server-side apply
 * writes every field name of a Deployment again in its managedFields, so a pod template past this
 * size could never be stored.
 */
export const POD_TEMPLATE_MAX_BYTES = 512 * 1024;
/** The apiserver silently caps a quantity at 2^63-1 of its base unit, so it would not round-trip. */
const QUANTITY_MAX = 2n ** 63n - 1n;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_UNDERSCORE = /^_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const PERCENT = /^[0-9]+%$/;

/** A relaxed environment variable name (RelaxedEnvironmentVariableValidation, on since 1.34). */
export function envVarName(value: string): string | undefined {
  if (value.length === 0) return 'environment variable name must be non-empty';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code > 0x7e || ch === '=') return 'a valid environment variable name must consist only of printable ASCII characters other than \'=\'';
  }
  return undefined;
}

export function dnsLabel(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(value)) return 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character';
  return undefined;
}

/** `underscore`: labels may start with and contain "_" (DNS search paths). */
export function dnsSubdomain(value: string, underscore = false): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (underscore ? !DNS1123_SUBDOMAIN_UNDERSCORE.test(value) : !DNS1123_SUBDOMAIN.test(value)) return 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character';
  return undefined;
}

/** A label or annotation key: an optional DNS subdomain prefix and "/", then a name of at most 63. */
export function qualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return 'a qualified name must be a name with an optional DNS subdomain prefix and "/"';
  const [name, prefix] = parts.length === 2 ? [parts[1], parts[0]] : [parts[0], undefined];
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const bad = dnsSubdomain(prefix);
    if (bad) return `prefix part ${bad}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
  return undefined;
}

export function labelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) return 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
  return undefined;
}

/** The total size of an object's annotations, keys and values, in bytes. */
export function annotationsSize(annotations: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const [k, v] of Object.entries(annotations)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

export function secretKey(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!CONFIG_MAP_KEY.test(value)) return 'a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'';
  if (value === '.' || value === '..' || value.startsWith('..')) return 'must not be \'.\' or \'..\' or start with \'..\'';
  return undefined;
}

/** A port name (IANA_SVC_NAME). */
export function portName(value: string): string | undefined {
  return isPortName(value) ? undefined : 'must be no more than 15 lower case alphanumeric characters or \'-\', with at least one letter, and must not start or end with \'-\' or contain \'--\'';
}

export function portNumber(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : 'must be between 1 and 65535, inclusive';
}

export function int32(value: number, min = 0): string | undefined {
  return Number.isInteger(value) && value >= min && value <= INT32_MAX ? undefined : `must be between ${min} and ${INT32_MAX}, inclusive`;
}

/** An int64 field: JSON numbers beyond 2^53 are not exact, so the safe integer range is the one Berth can write. */
export function int64(value: number, min = 0): string | undefined {
  return Number.isSafeInteger(value) && value >= min ? undefined : `must be a whole number from ${min} to ${Number.MAX_SAFE_INTEGER}`;
}

export function unixId(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= UNIX_ID_MAX ? undefined : `must be between 0 and ${UNIX_ID_MAX}, inclusive`;
}

/**
 * An IP address as the apiserver takes it in hostAliases and dnsConfig (StrictIPCIDRValidation):
 * IPv4 or IPv6, no leading zeros in IPv4 octets, no IPv4-mapped IPv6.
 */
export function ipAddress(value: string): string | undefined {
  // Node refuses leading zeros outright; the apiserver parses them and then refuses them.
  const sloppy = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(value) && value.split('.').every((octet) => Number(octet) <= 255);
  if (isIP(value) === 0) return sloppy ? 'must not have leading 0s' : 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
  if (isIP(value) === 6 && /^[0:]*:ffff:[0-9.]+$/i.test(value)) return 'must not be an IPv4-mapped IPv6 address';
  return undefined;
}

export function sysctlName(value: string): string | undefined {
  if (value.length > 253 || !SYSCTL_NAME.test(value)) {
    return 'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';
  }
  return undefined;
}

/** An int-or-percent of a rolling update: a non-negative int32, or "N%". */
export function intOrPercent(value: number | string, maxPercent?: number): string | undefined {
  if (typeof value === 'number') return int32(value);
  if (!PERCENT.test(value)) return 'a valid percent string must be a numeric string followed by an ending \'%\'';
  if (maxPercent !== undefined && Number(value.slice(0, -1)) > maxPercent) return `must not be greater than ${maxPercent}%`;
  return undefined;
}

const SUFFIX_EXPONENT: Record<string, [bigint, number]> = {
  '': [10n, 0], n: [10n, -9], u: [10n, -6], m: [10n, -3], k: [10n, 3], M: [10n, 6], G: [10n, 9], T: [10n, 12], P: [10n, 15], E: [10n, 18],
  Ki: [2n, 10], Mi: [2n, 20], Gi: [2n, 30], Ti: [2n, 40], Pi: [2n, 50], Ei: [2n, 60],
};
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eE][-+]?[0-9]+|[a-zA-Z]*)$/;

export interface ParsedQuantity {
  /** The value in milli-units of the base unit (1m cpu = 1, 1 byte = 1000), rounded up. */
  milli: bigint;
}

/**
 * A resource quantity (resource.ParseQuantity), exactly: number, optional fraction, then one
 * suffix or a decimal exponent. Values beyond 2^63-1 of the base unit are refused, since the
 * apiserver would cap them and the object would never read back as written.
 */
export function parseQuantity(value: string): ParsedQuantity | string {
  const m = QUANTITY.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'';
  const [, sign, whole, fraction = '', suffix] = m;
  let base = 10n;
  let exponent: number;
  if (/^[eE]/.test(suffix)) {
    exponent = Number(suffix.slice(1));
  } else if (suffix in SUFFIX_EXPONENT) {
    [base, exponent] = SUFFIX_EXPONENT[suffix];
  } else {
    return 'unable to parse quantity\'s suffix';
  }
  if (Math.abs(exponent) > 100) return 'is beyond the range of a Kubernetes quantity (2^63-1)';
  // value = (whole.fraction) * base^exponent; in milli-units, rounded up as the apiserver rounds up.
  const digits = BigInt(`${whole}${fraction}` || '0');
  let numerator = digits * 1000n;
  let denominator = 10n ** BigInt(fraction.length);
  if (exponent >= 0) numerator *= base ** BigInt(exponent);
  else denominator *= base ** BigInt(-exponent);
  const milli = (numerator + denominator - 1n) / denominator;
  if (milli / 1000n > QUANTITY_MAX) return 'is beyond the range of a Kubernetes quantity (2^63-1)';
  return { milli: sign === '-' ? -milli : milli };
}

import * as rule from '../../../src/render/kube-rules.js';

// Each rule of kube-rules.ts with values the apiserver accepts (undefined) and refuses (its words).

const ENV = "a valid environment variable name must consist only of printable ASCII characters other than '='";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const PORT_NAME = "must be no more than 15 lower case alphanumeric characters or '-', with at least one letter, and must not start or end with '-' or contain '--'";
const IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const SYSCTL = 'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';
const QUANTITY_FORM = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_RANGE = 'is beyond the range of a Kubernetes quantity (2^63-1)';

const table: [string, () => string | undefined, string | undefined][] = [
  ['env name with space, dot, leading digit', () => rule.envVarName('1 my.var-X'), undefined],
  ['env name with =', () => rule.envVarName('A=B'), ENV],
  ['env name not ASCII', () => rule.envVarName('GRÜSSE'), ENV],
  ['env name with a tab', () => rule.envVarName('A\tB'), ENV],
  ['env name with DEL', () => rule.envVarName('A\u007f'), ENV],
  ['env name empty', () => rule.envVarName(''), 'environment variable name must be non-empty'],
  ['DNS label', () => rule.dnsLabel('web-1'), undefined],
  ['DNS label with a capital', () => rule.dnsLabel('Web'), LABEL],
  ['DNS label of 64', () => rule.dnsLabel('a'.repeat(64)), 'must be no more than 63 characters'],
  ['DNS subdomain', () => rule.dnsSubdomain('a.b-c.d'), undefined],
  ['DNS subdomain with _', () => rule.dnsSubdomain('a_b'), SUBDOMAIN],
  ['DNS subdomain with _ where allowed', () => rule.dnsSubdomain('_srv.a_b.example', true), undefined],
  ['DNS subdomain of 254', () => rule.dnsSubdomain('a'.repeat(254)), 'must be no more than 253 characters'],
  ['qualified name with a prefix', () => rule.qualifiedName('ecs.berth.dev/family'), undefined],
  ['qualified name with two slashes', () => rule.qualifiedName('a/b/c'), 'a qualified name must be a name with an optional DNS subdomain prefix and "/"'],
  ['qualified name with a space', () => rule.qualifiedName('a b'), NAME_PART],
  ['qualified name with an empty prefix', () => rule.qualifiedName('/a'), 'prefix part must be non-empty'],
  ['qualified name with a bad prefix', () => rule.qualifiedName('A_B/c'), `prefix part ${SUBDOMAIN}`],
  ['qualified name of 64', () => rule.qualifiedName('a'.repeat(64)), 'name part must be no more than 63 characters'],
  ['label value empty', () => rule.labelValue(''), undefined],
  ['label value with a space', () => rule.labelValue('t2 micro'), LABEL_VALUE],
  ['label value of 64', () => rule.labelValue('a'.repeat(64)), 'must be no more than 63 characters'],
  ['secret key', () => rule.secretKey('db.password_1'), undefined],
  ['secret key with a slash', () => rule.secretKey('a/b'), "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"],
  ['secret key ..x', () => rule.secretKey('..x'), "must not be '.' or '..' or start with '..'"],
  ['port name', () => rule.portName('http-2'), undefined],
  ['port name with _', () => rule.portName('http_2'), PORT_NAME],
  ['port name of digits', () => rule.portName('8080'), PORT_NAME],
  ['port name of 16', () => rule.portName('a'.repeat(16)), PORT_NAME],
  ['port 65535', () => rule.portNumber(65535), undefined],
  ['port 0', () => rule.portNumber(0), 'must be between 1 and 65535, inclusive'],
  ['port 65536', () => rule.portNumber(65536), 'must be between 1 and 65535, inclusive'],
  ['int32 max', () => rule.int32(2 ** 31 - 1), undefined],
  ['int32 max + 1', () => rule.int32(2 ** 31), 'must be between 0 and 2147483647, inclusive'],
  ['int32 below its minimum', () => rule.int32(0, 1), 'must be between 1 and 2147483647, inclusive'],
  ['int64 at 2^53-1', () => rule.int64(Number.MAX_SAFE_INTEGER), undefined],
  ['int64 at 2^53', () => rule.int64(2 ** 53), 'must be a whole number from 0 to 9007199254740991'],
  ['uid 2^31-1', () => rule.unixId(2 ** 31 - 1), undefined],
  ['uid 2^31', () => rule.unixId(2 ** 31), 'must be between 0 and 2147483647, inclusive'],
  ['uid 1e20', () => rule.unixId(1e20), 'must be between 0 and 2147483647, inclusive'],
  ['IPv4', () => rule.ipAddress('10.0.0.1'), undefined],
  ['IPv6', () => rule.ipAddress('2001:db8::1'), undefined],
  ['not an IP', () => rule.ipAddress('db.example.com'), IP],
  ['IPv4 with a leading 0', () => rule.ipAddress('10.0.0.01'), 'must not have leading 0s'],
  ['IPv4-mapped IPv6', () => rule.ipAddress('::ffff:10.0.0.1'), 'must not be an IPv4-mapped IPv6 address'],
  ['sysctl', () => rule.sysctlName('net.core.somaxconn'), undefined],
  ['sysctl with slashes', () => rule.sysctlName('net/ipv4/conf/eth0.100/forwarding'), undefined],
  ['sysctl with an empty segment', () => rule.sysctlName('net..core'), SYSCTL],
  ['sysctl in capitals', () => rule.sysctlName('Net.Core'), SYSCTL],
  ['int-or-percent int', () => rule.intOrPercent(3), undefined],
  ['int-or-percent 100%', () => rule.intOrPercent('100%', 100), undefined],
  ['int-or-percent 101% where 100% is the most', () => rule.intOrPercent('101%', 100), 'must not be greater than 100%'],
  ['int-or-percent not a percent', () => rule.intOrPercent('3'), "a valid percent string must be a numeric string followed by an ending '%'"],
  ['int-or-percent beyond int32', () => rule.intOrPercent(2 ** 31), 'must be between 0 and 2147483647, inclusive'],
];

describe('Kubernetes validation rules', () => {
  test.each(table)('%s', (_name, check, expected) => {
    expect(check()).toBe(expected);
  });

  test('annotation size counts keys and values in bytes', () => {
    expect(rule.annotationsSize({ ab: 'ü' })).toBe(4);
  });
});

describe('quantities as the apiserver parses them', () => {
  test.each([
    ['250m', 250n],
    ['1', 1000n],
    ['0.5', 500n],
    ['1.5Gi', 1610612736000n],
    ['512Mi', 536870912000n],
    ['1e3', 1000000n],
    ['1k', 1000000n],
    ['.5', 500n],
    ['1n', 1n], // rounded up
    ['8796093022207Mi', 9223372036853727232000n],
  ])('%s', (value, milli) => {
    expect(rule.parseQuantity(value)).toEqual({ milli });
  });

  test.each([
    ['9.765625e+31m', QUANTITY_FORM],
    ['', QUANTITY_FORM],
    ['abc', QUANTITY_FORM],
    ['1Xi', "unable to parse quantity's suffix"],
    ['9007199254740991Mi', QUANTITY_RANGE],
    ['1e19', QUANTITY_RANGE],
    ['1e999999999', QUANTITY_RANGE],
  ])('%s is refused', (value, message) => {
    expect(rule.parseQuantity(value)).toBe(message);
  });
});

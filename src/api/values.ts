// ECS size values. A task's `cpu` is CPU units ("256", 256) or vCPUs ("0.25 vCPU", "1 vcpu");
// its `memory` is MiB ("512", 512) or GB ("0.5GB", "2 GB"); ECS converts both to integers when it
// registers the task definition (1 vCPU = 1024 units, 1 GB = 1024 MiB). The same conversion is
// written here twice, once in TypeScript and once as a CEL expression for the CRD, next to each
// other so they stay the same.

/** Strings accepted for a task's cpu: an integer number of CPU units, or vCPUs with the unit. */
export const CPU_PATTERN = '^ *([0-9]+|([0-9]+|[0-9]*[.][0-9]+) *[vV][cC][pP][uU]) *$';
/** Strings accepted for a task's memory: an integer number of MiB, or GB with the unit. */
export const MEMORY_PATTERN = '^ *([0-9]+|([0-9]+|[0-9]*[.][0-9]+) *[gG][bB]) *$';

/** A cpu or memory value that is not in one of ECS's forms. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** CPU units (1024 per vCPU) from an ECS cpu value. Fractions of a unit are dropped, as CEL's int() does. */
export function parseCpu(value: number | string): number {
  return parseSize(value, { field: 'cpu', unit: 'vcpu', pattern: CPU_PATTERN, forms: 'CPU units ("256") or vCPUs ("0.25 vCPU")' });
}

/** MiB from an ECS memory value. Fractions of a MiB are dropped, as CEL's int() does. */
export function parseMemory(value: number | string): number {
  return parseSize(value, { field: 'memory', unit: 'gb', pattern: MEMORY_PATTERN, forms: 'MiB ("512") or GB ("0.5GB", "2 GB")' });
}

interface SizeForm {
  field: string;
  /** The lower-case unit of the string form; 1 unit = 1024 of the plain number. */
  unit: string;
  pattern: string;
  forms: string;
}

function parseSize(value: number | string, { field, unit, pattern, forms }: SizeForm): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
    throw new ValueError(`${field} ${value} must be a whole, non-negative number of ${forms}`);
  }
  if (!new RegExp(pattern).test(value)) {
    throw new ValueError(`${field} "${value}" is not a valid ECS ${field} value: use ${forms}`);
  }
  const lower = value.toLowerCase();
  if (lower.includes(unit)) return Math.trunc(Number(lower.replace(unit, '').trim()) * 1024);
  return Number(value.trim());
}

/** Human form used in annotations and messages: 256 → "0.25 vCPU". */
export function formatCpu(units: number): string {
  return `${units / 1024} vCPU`;
}

/** Human form used in annotations and messages: 512 → "0.5 GB". */
export function formatMemory(mib: number): string {
  return `${mib / 1024} GB`;
}

/** CEL for the CPU units of an int-or-string cpu value at `expr` (which must be present). */
export function celCpuUnits(expr: string): string {
  return celSize(expr, 'vcpu');
}

/** CEL for the MiB of an int-or-string memory value at `expr` (which must be present). */
export function celMemoryMiB(expr: string): string {
  return celSize(expr, 'gb');
}

// The CRD's pattern has already checked the string's form, so the conversions cannot fail.
function celSize(expr: string, unit: string): string {
  return (
    `(type(${expr}) == int ? int(${expr}) : ` +
    `(string(${expr}).lowerAscii().contains('${unit}') ? ` +
    `int(double(string(${expr}).lowerAscii().replace('${unit}', '').trim()) * 1024.0) : ` +
    `int(string(${expr}).trim())))`
  );
}

/** One row of the Fargate size table: the memory values (MiB) allowed with a task cpu (units). */
export interface FargateSize {
  cpu: number;
  memory: readonly number[];
}

function steps(minGB: number, maxGB: number, stepGB: number): number[] {
  const out: number[] = [];
  for (let gb = minGB; gb <= maxGB; gb += stepGB) out.push(gb * 1024);
  return out;
}

/** Fargate's task sizes (Linux), as documented for RegisterTaskDefinition and EKS Fargate. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: steps(1, 4, 1) },
  { cpu: 1024, memory: steps(2, 8, 1) },
  { cpu: 2048, memory: steps(4, 16, 1) },
  { cpu: 4096, memory: steps(8, 30, 1) },
  { cpu: 8192, memory: steps(16, 60, 4) },
  { cpu: 16384, memory: steps(32, 120, 8) },
];

/** True when (cpu units, MiB) is a Fargate task size. */
export function isFargateSize(cpu: number, memory: number): boolean {
  return FARGATE_SIZES.some((s) => s.cpu === cpu && s.memory.includes(memory));
}

/** The same test in CEL, for int expressions `cpu` and `memory`. */
export function celIsFargateSize(cpu: string, memory: string): string {
  return FARGATE_SIZES.map((s) => `(${cpu} == ${s.cpu} && ${memory} in [${s.memory.join(', ')}])`).join(' || ');
}

/** The Fargate sizes as a sentence, for messages. */
export function describeFargateSizes(): string {
  return 'cpu 256 with memory 512, 1024 or 2048; 512 with 1024-4096; 1024 with 2048-8192; 2048 with 4096-16384; ' +
    '4096 with 8192-30720 (all in steps of 1024); 8192 with 16384-61440 in steps of 4096; 16384 with 32768-122880 in steps of 8192';
}

/** A Service's `taskDefinition`: a family, `family:revision`, or an ECS-style ARN ending in either. */
export interface TaskDefinitionRef {
  family: string;
  /** Absent: the latest ACTIVE revision. */
  revision?: number;
}

export const TASK_DEFINITION_REF_PATTERN = '^(arn:[^/]+:task-definition/)?[A-Za-z0-9_-]{1,255}(:[1-9][0-9]{0,8})?$';

export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef {
  if (!new RegExp(TASK_DEFINITION_REF_PATTERN).test(ref)) {
    throw new ValueError(`taskDefinition "${ref}" must be "family", "family:revision" or an ARN ending in ":task-definition/family:revision"`);
  }
  const tail = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + ':task-definition/'.length) : ref;
  const [family, revision] = tail.split(':');
  return revision === undefined ? { family } : { family, revision: Number(revision) };
}

/** `arn:berth:ecs:<namespace>:task-definition/<family>:<revision>`, the ARN Berth reports. */
export function taskDefinitionArn(namespace: string, family: string, revision: number): string {
  return `arn:berth:ecs:${namespace}:task-definition/${family}:${revision}`;
}

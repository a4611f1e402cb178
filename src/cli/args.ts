/** Parsed `--flag value`, `--flag=value` and bare `--switch` options plus positional arguments. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/** `switches` name the options that never take a value, so `--check file.yaml` keeps the file positional. */
export function parseArgs(argv: string[], switches: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const name = arg.replace(/^--?/, '');
    const eq = name.indexOf('=');
    if (eq >= 0) options.set(name.slice(0, eq), name.slice(eq + 1));
    else if (!switches.includes(name) && i + 1 < argv.length && !argv[i + 1].startsWith('-')) options.set(name, argv[++i]);
    else options.set(name, true);
  }
  return { positional, options };
}

/**
 * The options of the generators (gen-crds, gen-docs): `--check` and one `--NAME VALUE`, in any
 * order. Undefined for anything else, which the command answers with its usage.
 */
export function generatorOptions(argv: string[], name: string, fallback: string): { check: boolean; value: string } | undefined {
  let check = false;
  let value = fallback;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === `--${name}` && argv[i + 1] !== undefined) value = argv[++i];
    else return undefined;
  }
  return { check, value };
}

/** A string option, or the fallback; a bare switch where a value was needed is an error. */
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  if (value === true) throw new Error(`--${name} needs a value`);
  return value;
}

export function intOption(args: ParsedArgs, name: string): number | undefined {
  const value = stringOption(args, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number >= 0, got "${value}"`);
  return n;
}

/** Refuses options the command does not know, so a typo never passes silently. */
export function rejectUnknown(args: ParsedArgs, known: string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new Error(`unknown option --${name}`);
  }
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in Go's form, as kubectl and controller-runtime flags take them ("10h", "1h30m",
 * "90s", "500ms"; "0" for none), in milliseconds.
 */
export function durationOption(args: ParsedArgs, name: string): number | undefined {
  const value = stringOption(args, name);
  if (value === undefined) return undefined;
  if (value === '0') return 0;
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(value) ? [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)] : [];
  if (parts.length === 0) throw new Error(`--${name} must be a duration such as 10h, 30m or 90s, got "${value}"`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNITS_MS[unit], 0);
}

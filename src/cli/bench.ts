import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runB1 } from '../bench/b1.js';
import { runB3 } from '../bench/b3.js';
import { projectRoot } from '../local/paths.js';
import { intOption, parseArgs, rejectUnknown, type ParsedArgs } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth bench [b1] [b3] [options]      (npm run bench -- b3 --pods 200)

Runs benchmarks on a cluster of their own (started and stopped here), each against a baseline
measured in the same run, and prints the results as Markdown. With --write they replace the
benchmark's section in bench/RESULTS.md. Without a name, every benchmark runs.

  b1   converge N Services vs the same Deployments created directly
  b3   pod creation through the pod webhook vs in a namespace it does not see, then
       AdmissionReviews sent straight to the webhook server at a fixed rate

Options:
  --services N      B1: Services to converge (default 1000)
  --pods N          B3: pods per namespace in each create phase (default 200)
  --concurrency N   B1 and B3: requests the benchmark client keeps in flight (default 16)
  --rate N          B3: AdmissionReviews per second sent to the webhook server (default 50)
  --seconds N       B3: how long the AdmissionReviews are sent (default 10)
  --write           update bench/RESULTS.md
`;

interface Benchmark {
  /** The options it reads; any other (but --write) is refused when only benchmarks without it run. */
  options: string[];
  run(args: ParsedArgs, progress: (line: string) => void): Promise<string>;
}

const benchmarks: Record<string, Benchmark> = {
  b1: {
    options: ['services', 'concurrency'],
    run: (args, progress) => runB1({ services: count(args, 'services') ?? 1000, concurrency: count(args, 'concurrency') ?? 16, progress }),
  },
  b3: {
    options: ['pods', 'concurrency', 'rate', 'seconds'],
    run: (args, progress) =>
      runB3({ pods: count(args, 'pods'), concurrency: count(args, 'concurrency'), rate: count(args, 'rate'), seconds: count(args, 'seconds'), progress }),
  },
};

const BENCHMARKS = Object.keys(benchmarks);

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the benchmarks (ratios against a baseline measured in the same run)',
  usage,
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(usage);
      return 0;
    }
    const args = parseArgs(argv, ['write']);
    const selected = args.positional.length > 0 ? args.positional : BENCHMARKS;
    const unknown = selected.filter((b) => !BENCHMARKS.includes(b));
    if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`);
    // An option no selected benchmark reads would be silently ignored: refuse it instead.
    rejectUnknown(args, ['write', ...selected.flatMap((b) => benchmarks[b].options)]);
    const progress = (line: string) => console.error(`[bench] ${line}`);
    for (const name of selected) {
      const section = await benchmarks[name].run(args, progress);
      console.log(section);
      if (args.options.has('write')) writeSection(name, section);
    }
    return 0;
  },
};

/** A count option: a whole number of at least 1. */
function count(args: ParsedArgs, name: string): number | undefined {
  const value = intOption(args, name);
  if (value === 0) throw new Error(`--${name} must be at least 1`);
  return value;
}

function writeSection(benchmark: string, section: string): void {
  const file = join(projectRoot(), 'bench', 'RESULTS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  writeFileSync(file, replaceSection(text, benchmark, section));
}

/** Replaces the benchmark's `## B1:` section (up to the next `## `), or appends it; the rest is kept as it is. */
export function replaceSection(text: string, benchmark: string, section: string): string {
  const heading = `## ${benchmark.toUpperCase()}:`;
  // Only at the start of a line, so a heading quoted inside another section never matches.
  const start = `\n${text}`.indexOf(`\n${heading}`);
  if (start < 0) return `${text.trimEnd()}\n\n${section.trimEnd()}\n`;
  const end = text.indexOf('\n## ', start + heading.length);
  const rest = end < 0 ? '' : `\n${text.slice(end + 1)}`;
  return `${text.slice(0, start)}${section.trimEnd()}\n${rest}`;
}

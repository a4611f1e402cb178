import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runB1 } from '../bench/b1.js';
import { projectRoot } from '../local/paths.js';
import { intOption, parseArgs, rejectUnknown } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth bench [b1] [options]      (npm run bench -- b1 --services 200)

Runs benchmarks on a cluster of their own (started and stopped here), each against a baseline
measured in the same run, and prints the results as Markdown. With --write they replace the
benchmark's section in bench/RESULTS.md.

  b1   converge N Services vs the same Deployments created directly

Options:
  --services N      Services for B1 (default 1000)
  --concurrency N   requests the benchmark client keeps in flight (default 16)
  --write           update bench/RESULTS.md
`;

const BENCHMARKS = ['b1'];

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
    rejectUnknown(args, ['services', 'concurrency', 'write']);
    const selected = args.positional.length > 0 ? args.positional : BENCHMARKS;
    const unknown = selected.filter((b) => !BENCHMARKS.includes(b));
    if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`);
    const progress = (line: string) => console.error(`[bench] ${line}`);
    for (const benchmark of selected) {
      const section = await runB1({ services: intOption(args, 'services') ?? 1000, concurrency: intOption(args, 'concurrency') ?? 16, progress });
      console.log(section);
      if (args.options.has('write')) writeSection(benchmark, section);
    }
    return 0;
  },
};

/** Replaces the `## B1…` section of bench/RESULTS.md (up to the next `## `), or appends it. */
function writeSection(benchmark: string, section: string): void {
  const file = join(projectRoot(), 'bench', 'RESULTS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const heading = `## ${benchmark.toUpperCase()}:`;
  const start = text.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const end = text.indexOf('\n## ', start + heading.length);
  writeFileSync(file, `${text.slice(0, start)}${section}${end < 0 ? '' : text.slice(end + 1)}`);
}

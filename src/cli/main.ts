#!/usr/bin/env node
import type { Command } from './command.js';
import { benchCommand } from './bench.js';
import { chaosCommand } from './chaos.js';
import { exportCommand } from './export.js';
import { genCrdsCommand } from './gen-crds.js';
import { genDocsCommand } from './gen-docs.js';
import { importCommand } from './import.js';
import { localCommand } from './local.js';
import { profileCommand } from './profile.js';
import { runCommand } from './run.js';
import { startCommand } from './start.js';

const commands: Command[] = [startCommand, runCommand, localCommand, importCommand, exportCommand, profileCommand, benchCommand, chaosCommand, genCrdsCommand, genDocsCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'berth: the AWS ECS application model (TaskDefinitions, Services, Fargate profiles) on Kubernetes.',
    '',
    'Usage: berth <command> [options]      berth <command> --help for details',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`berth: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    console.error(`berth ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

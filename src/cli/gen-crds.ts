import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { customResourceDefinitions } from '../api/crd.js';
import { generatorOptions } from './args.js';
import { wantsHelp, type Command } from './command.js';

const HEADER = '# Generated from src/api by `berth gen-crds`. Do not edit; change the schemas and regenerate.\n';

/** The CRD files as they belong in crds/: file name and YAML text. */
export function crdFiles(): { name: string; text: string }[] {
  return customResourceDefinitions().map((crd) => ({
    name: `${crd.metadata.name}.yaml`,
    text: HEADER + stringify(crd, { lineWidth: 0 }),
  }));
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

export const genCrdsCommand: Command = {
  name: 'gen-crds',
  summary: 'Write the CustomResourceDefinitions generated from the API schemas',
  usage: [
    'Usage: berth gen-crds [--check] [--dir DIR]',
    '',
    'Writes DIR/<plural>.ecs.berth.dev.yaml for TaskDefinition, Service and FargateProfile.',
    '',
    '  --check     write nothing; exit 1 when a file is missing or differs',
    '  --dir DIR   the output directory (default: crds)',
  ].join('\n'),
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(this.usage);
      return 0;
    }
    const options = generatorOptions(argv, 'dir', 'crds');
    if (!options) {
      console.error(this.usage);
      return 2;
    }
    const { check, value: dir } = options;
    const files = crdFiles();
    if (check) {
      const stale: string[] = [];
      for (const f of files) {
        if ((await readOrEmpty(join(dir, f.name))) !== f.text) stale.push(join(dir, f.name));
      }
      for (const path of stale) console.error(`${path} is out of date: run berth gen-crds`);
      return stale.length === 0 ? 0 : 1;
    }
    await mkdir(dir, { recursive: true });
    for (const f of files) {
      await writeFile(join(dir, f.name), f.text);
      console.log(`wrote ${join(dir, f.name)}`);
    }
    return 0;
  },
};

import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateResource } from '../../../src/api/validate.js';
import { runImport } from '../../../src/cli/import.js';
import { corpusFiles, describeCorpus, readCorpus, REFUSED, REPO } from '../../corpus.js';
import { memoryIo } from '../convert/memory-io.js';

// `berth import` over the whole ECS corpus, against golden files: the command line, the exit
// code, standard error as comments, then standard output. UPDATE_GOLDEN=1 rewrites them; a
// missing golden file fails.

const goldenDir = join(REPO, 'test/golden/import');
const update = process.env.UPDATE_GOLDEN === '1';
const files = corpusFiles();

async function importOne(file: string, ...options: string[]) {
  const io = memoryIo({ [file]: readCorpus(file) });
  const code = await runImport([file, ...options], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function goldenName(file: string): string {
  return file.replace('/', '-').replace(/\.json$/, '.yaml');
}

function documents(yaml: string): unknown[] {
  return parseAllDocuments(yaml).map((d) => d.toJS());
}

describeCorpus('berth import over the ECS corpus (golden)', () => {
  test('the corpus is there', () => {
    expect(files.filter((f) => f.startsWith('taskdefs/')).length).toBeGreaterThanOrEqual(27);
    expect(files.filter((f) => f.startsWith('services/')).length).toBeGreaterThanOrEqual(13);
  });

  test.each(files)('%s', async (file) => {
    const { code, stdout, stderr } = await importOne(file);
    const comments = stderr === '' ? [] : stderr.trimEnd().split('\n').map((line) => `# ${line}`);
    const actual = `${[`# berth import ${file}`, `# exit ${code}`, ...comments].join('\n')}\n${stdout}`;
    const golden = join(goldenDir, goldenName(file));
    if (update) writeFileSync(golden, actual);
    if (!existsSync(golden)) throw new Error(`no golden file ${golden}: review the output, then create it with UPDATE_GOLDEN=1`);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  test('every golden file has its corpus file', () => {
    const goldens = readdirSync(goldenDir).filter((f) => f.endsWith('.yaml'));
    expect(goldens.filter((g) => !files.map(goldenName).includes(g))).toEqual([]);
  });
});

describeCorpus('berth import: outcome per corpus file', () => {
  test.each(files.filter((f) => !(f in REFUSED)))('%s imports into valid resources', async (file) => {
    const { code, stdout, stderr } = await importOne(file, '--namespace', 'shop');
    expect(stderr).not.toContain('error:');
    expect(code).toBe(0);
    for (const object of documents(stdout)) {
      expect(validateResource(object)).toEqual({ ok: true, value: object });
      expect(object).toMatchObject({ metadata: { namespace: 'shop' } });
    }
  });

  test.each(Object.entries(REFUSED))('%s is refused at %s', async (file, path) => {
    const { code, stdout, stderr } = await importOne(file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toMatch(new RegExp(`^error: ${file}: ${path.replace(/[$.[\]]/g, '\\$&')}: `));
  });
});

const webTaskDefinition = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] });
const webService = JSON.stringify({ serviceName: 'web', taskDefinition: 'web', desiredCount: 2 });

describe('berth import: command line', () => {
  test('--help prints the usage', async () => {
    const io = memoryIo({});
    expect(await runImport(['--help'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: berth import FILE...');
    expect(io.stdout()).toContain('ecs.berth.dev/original-name');
  });

  test.each([
    [[], 'name at least one FILE'],
    [['a.json', '--cluster', 'x'], 'unknown option --cluster'],
    [['a.json', '--namespace'], '--namespace needs a value'],
    [['a.json', '--namespace', 'Shop_1'], '--namespace "Shop_1" is not a namespace name'],
  ])('%j is a usage error', async (argv, message) => {
    const io = memoryIo({});
    expect(await runImport(argv, io)).toBe(2);
    expect(io.stderr()).toContain(`berth import: ${message}`);
    expect(io.stdout()).toBe('');
  });

  test('- reads standard input, named <stdin> in messages', async () => {
    const io = memoryIo({ '-': JSON.stringify({ taskDefinition: JSON.parse(webTaskDefinition), tags: [] }) });
    expect(await runImport(['-', '-n', 'shop'], io)).toBe(0);
    expect(documents(io.stdout())).toEqual([
      {
        apiVersion: 'ecs.berth.dev/v1alpha1',
        kind: 'TaskDefinition',
        metadata: { name: 'web', namespace: 'shop' },
        spec: JSON.parse(webTaskDefinition),
      },
    ]);
    const bad = memoryIo({ '-': '{"family": "web"' });
    expect(await runImport(['-'], bad)).toBe(1);
    expect(bad.stderr()).toMatch(/^error: <stdin>: not valid JSON or YAML: /);
  });

  test('several files give one YAML stream, in order', async () => {
    const io = memoryIo({ 'td.json': webTaskDefinition, 'svc.json': webService });
    expect(await runImport(['td.json', 'svc.json'], io)).toBe(0);
    expect(io.stdout()).toContain('\n---\n');
    expect(documents(io.stdout()).map((d) => (d as { kind: string }).kind)).toEqual(['TaskDefinition', 'Service']);
    expect(io.stderr()).toBe('');
  });

  test('one invalid file: every problem reported, nothing printed', async () => {
    const io = memoryIo({ 'td.json': webTaskDefinition, 'bad.json': JSON.stringify({ family: 'x', containerDefinitions: [{ name: 'app', image: 'nginx', memory: -1 }] }) });
    expect(await runImport(['td.json', 'bad.json', 'missing.json'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr().split('\n')).toEqual([
      "error: missing.json: cannot read: ENOENT: no such file or directory, open 'missing.json'",
      'error: bad.json: $.containerDefinitions[0].memory: Too small: expected number to be >=0',
      '',
    ]);
  });

  test('--name names the one resource', async () => {
    const io = memoryIo({ 'td.json': webTaskDefinition });
    expect(await runImport(['td.json', '--name', 'web-staging'], io)).toBe(0);
    const [td] = documents(io.stdout()) as { metadata: unknown; spec: Record<string, unknown> }[];
    expect(td.metadata).toEqual({ name: 'web-staging', annotations: { 'ecs.berth.dev/original-name': 'web' } });
    expect(td.spec.family).toBeUndefined();
    expect(io.stderr()).toContain('warning: td.json: $.family: renamed: --name makes the TaskDefinition "web-staging"');

    const two = memoryIo({ 'td.json': webTaskDefinition, 'svc.json': webService });
    expect(await runImport(['td.json', 'svc.json', '--name', 'x'], two)).toBe(1);
    expect(two.stderr()).toBe('error: --name names one resource, but the input holds 2\n');
  });

  test('strings that YAML 1.1 would read as booleans or numbers are quoted for kubectl', async () => {
    const td = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, environment: [{ name: 'DEBUG', value: 'yes' }, { name: 'MODE', value: '0755' }] }] };
    const io = memoryIo({ 'td.json': JSON.stringify(td) });
    expect(await runImport(['td.json'], io)).toBe(0);
    expect(io.stdout()).toContain('value: "yes"');
    expect(io.stdout()).toContain('value: "0755"');
  });
});

import { describe, expect, test } from '@jest/globals';
import { runExport } from '../../../src/cli/export.js';
import { runImport } from '../../../src/cli/import.js';
import { normaliseTaskDefinitionJson } from '../../../src/render/ecs-input.js';
import { readFixture } from '../../corpus.js';
import { memoryIo } from '../convert/memory-io.js';

const webYaml = `apiVersion: ecs.berth.dev/v1alpha1
kind: TaskDefinition
metadata:
  name: web
  namespace: shop
  resourceVersion: "42"
spec:
  cpu: 256
  memory: "512"
  containerDefinitions:
    - name: app
      image: nginx
status:
  revision: 2
`;
const web = { family: 'web', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }] };

/** The JSON objects of export's output, one after another. */
function objects(stdout: string): unknown[] {
  return stdout === '' ? [] : JSON.parse(`[${stdout.replace(/\n\}\n\{/g, '\n},\n{')}]`);
}

describe('berth export: command line', () => {
  test('--help prints the usage', async () => {
    const io = memoryIo({});
    expect(await runExport(['--help'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: berth export -f FILE');
  });

  test.each([[['-f', 'web.yaml']], [['--filename', 'web.yaml']], [['--filename=web.yaml']], [['-f', '-']], [['-']]])('%j reads the input', async (argv) => {
    const io = memoryIo({ 'web.yaml': webYaml, '-': webYaml });
    expect(await runExport(argv, io)).toBe(0);
    expect(objects(io.stdout())).toEqual([web]);
    expect(io.stderr()).toBe('');
  });

  test.each([[[]], [['web.yaml']], [['-f', 'a.yaml', 'b.yaml']], [['-f', 'a.yaml', '--namespace', 'x']]])('%j is a usage error', async (argv) => {
    const io = memoryIo({});
    expect(await runExport(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(/^berth export: (name one input|unknown option)/);
  });

  test('an unreadable file', async () => {
    const io = memoryIo({});
    expect(await runExport(['-f', 'gone.yaml'], io)).toBe(1);
    expect(io.stderr()).toBe("error: gone.yaml: cannot read: ENOENT: no such file or directory, open 'gone.yaml'\n");
  });

  test('an invalid resource: exit 1, the error on standard error, nothing on standard output', async () => {
    const io = memoryIo({ '-': webYaml.replace('name: app', 'name: app!') });
    expect(await runExport(['-'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('error: <stdin>: TaskDefinition/web: spec.containerDefinitions[0].name: must be 1 to 255 letters, numbers, hyphens or underscores\n');
  });

  test('several resources: one JSON object each, one after the other', async () => {
    const io = memoryIo({ '-': `${webYaml}---\n${webYaml.replace(/web/g, 'api')}` });
    expect(await runExport(['-'], io)).toBe(0);
    expect(objects(io.stdout())).toEqual([web, { ...web, family: 'api' }]);
  });

  test('berth import, then berth export, gives the ECS JSON back', async () => {
    const file = 'ec2-host-network-labels-entrypoint.json';
    const ecs = readFixture(file);
    const imported = memoryIo({ [file]: ecs });
    expect(await runImport([file], imported)).toBe(0);
    const exported = memoryIo({ '-': imported.stdout() });
    expect(await runExport(['-'], exported)).toBe(0);
    expect(objects(exported.stdout())).toEqual([normaliseTaskDefinitionJson(JSON.parse(ecs)).spec]);
    expect(objects(exported.stdout())).toMatchObject([{ family: 'ledger' }]);
  });
});

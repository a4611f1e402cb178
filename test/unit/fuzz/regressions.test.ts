import { describe, expect, it } from '@jest/globals';
import { ServiceSpec } from '../../../src/api/service.js';
import { runProfile } from '../../../src/cli/profile.js';
import { formatMessage } from '../../../src/convert/findings.js';
import { importEcs } from '../../../src/convert/import.js';
import type { Pod } from '../../../src/api/kube.js';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { routePod } from '../../../src/fargate/route.js';
import { compileExpression } from '../../../src/placement/compile.js';
import { collectLabelValues } from '../../../src/placement/placement.js';
import { normaliseTaskDefinitionJson } from '../../../src/render/ecs-input.js';
import { memoryIo } from '../convert/memory-io.js';
import { FARGATE_PROFILES } from './generators.js';

// Every hostile input once reported against Berth, as a named case: what the user sees now.
// HANG_MS only catches hangs (the regex bomb took 40-58 s, the huge exponent 25-38 s).

const HANG_MS = 2000;

async function timed<T>(run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const out = await run();
  expect(performance.now() - started).toBeLessThan(HANG_MS);
  return out;
}

const importLines = (text: string) => importEcs([{ file: 'in.json', text }]).messages.map(formatMessage);
const app = '{"name":"app","image":"nginx","memory":128}';
const hosts = collectLabelValues(Array.from({ length: 5 }, (_, i) => ({ metadata: { labels: { 'kubernetes.io/hostname': `general-${i}` } } })));
const podYaml = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: secure}\n${spec}`;

async function profileMatch(text: string) {
  const io = memoryIo({ 'pod.yaml': text, 'profiles.json': JSON.stringify({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', ...FARGATE_PROFILES[0] }) });
  const code = await runProfile(['match', '-f', 'pod.yaml', '--profiles', 'profiles.json'], io, { clusterProfiles: async () => [] });
  return { code, out: io.stdout(), err: io.stderr() };
}

const cases: [string, () => Promise<void>][] = [
  ['memberOf regex bomb (.*.*.*.*.*)*x: evaluated in linear time, matches no node', async () => {
    const r = await timed(() => compileExpression('attribute:kubernetes.io/hostname =~ (.*.*.*.*.*)*x', { knownLabelValues: hosts }));
    expect(r.ok && r.compiled.matchesNothing).toBe(true);
  }],
  ['memberOf regex over the size limit: refused at its column', async () => {
    const r = await timed(() => compileExpression('attribute:a =~ (?:.?.?.?.?.?.?.?.?.?.?){1000}', { knownLabelValues: hosts }));
    expect(!r.ok && r.errors[0].message).toMatch(/^at column 16: .*more than the limit of 500$/);
  }],
  ['2,300 levels of nesting in import (dropNulls): refused with file and path', async () => {
    const lines = await timed(() => importLines(`{"serviceName":"web","taskDefinition":"web","tags":${'['.repeat(2300)}${']'.repeat(2300)}}`));
    expect(lines).toEqual([expect.stringMatching(/^error: in\.json: \$\.tags(\[0\]){63}: the JSON nests more than 64 levels deep \(Berth's limit\)$/)]);
  }],
  ['2,300 levels of nesting in a task definition (withoutNulls): refused with file and path', async () => {
    const lines = await timed(() => importLines(`{"family":"web","containerDefinitions":[${app}],"x":${'{"a":'.repeat(2300)}1${'}'.repeat(2300)}}`));
    expect(lines).toEqual([expect.stringMatching(/^error: in\.json: \$\.x(\.a){63}: the JSON nests more than 64 levels deep/)]);
    expect(() => normaliseTaskDefinitionJson(JSON.parse(`{"containerDefinitions":[],"x":${'['.repeat(2300)}${']'.repeat(2300)}}`))).toThrow(/nests more than 64 levels/);
  }],
  ['2,300 levels of nesting in YAML: the file, the position and what happened, not "Maximum call stack size exceeded"', async () => {
    const yaml = `family: web\ncontainerDefinitions: []\nx: ${'['.repeat(2300)}${']'.repeat(2300)}\n`;
    const lines = await timed(() => importEcs([{ file: 'in.yaml', text: yaml }]).messages.map(formatMessage));
    expect(lines).toEqual([expect.stringMatching(/^error: in\.yaml: not valid JSON or YAML: the document nests too deeply to read at line 3, column \d+/)]);
    const r = await timed(() => profileMatch(`apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(2300)}${']'.repeat(2300)}\n`));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^berth profile match: pod\.yaml: not valid YAML or JSON: the document nests too deeply to read at line 3, column \d+/);
  }],
  ['__proto__ key in a container: refused at its path, not a container without name and image', async () => {
    expect(await timed(() => importLines(`{"family":"web","containerDefinitions":[{"__proto__":{"x":1},"name":"app","image":"nginx","memory":128}]}`)))
      .toEqual([expect.stringContaining('error: in.json: $.containerDefinitions[0].__proto__: ')]);
  }],
  ['constructor and prototype keys: unknown fields at their path', async () => {
    for (const key of ['constructor', 'prototype']) {
      expect(await timed(() => importLines(`{"family":"web","containerDefinitions":[{"${key}":{},"name":"app","image":"nginx","memory":128}]}`)))
        .toEqual([expect.stringContaining(`error: in.json: $.containerDefinitions[0].${key}: `)]);
    }
  }],
  ['desiredCount 2^31: refused by the schema, as by the CRD (int32)', async () => {
    const r = ServiceSpec.safeParse({ taskDefinition: 'web', desiredCount: 2 ** 31 });
    expect(!r.success && r.error.issues[0].path).toEqual(['desiredCount']);
  }],
  ['maximumPercent 2^53+1: refused', async () => {
    const r = ServiceSpec.safeParse({ taskDefinition: 'web', deploymentConfiguration: { maximumPercent: 2 ** 53 + 1 } });
    expect(!r.success && r.error.issues[0].path).toEqual(['deploymentConfiguration', 'maximumPercent']);
  }],
  ['a null in a list: later elements keep their own index in errors', async () => {
    const lines = await timed(() => importLines('{"family":"web","containerDefinitions":[null,{"name":"app","image":"nginx","memory":"lots"}]}'));
    expect(lines).toContainEqual(expect.stringContaining('$.containerDefinitions[1].memory: '));
    expect(lines.join('\n')).not.toContain('$.containerDefinitions[0].memory');
  }],
  ['profile match, a pod without spec: refused naming spec', async () => {
    const r = await timed(() => profileMatch(podYaml('')));
    expect(r).toMatchObject({ code: 1, err: '' });
    expect(r.out).toContain('InvalidPod: spec: the pod has no spec');
  }],
  ['profile match, containers not a list: refused naming spec.containers', async () => {
    const r = await timed(() => profileMatch(podYaml('spec: {containers: app}')));
    expect(r.out).toContain("InvalidPod: spec.containers: must be a list, found the string 'app'");
  }],
  ['profile match, a quantity that is a number (q.trim is not a function): read as Kubernetes reads it', async () => {
    const r = await timed(() => profileMatch(podYaml('spec: {containers: [{name: app, resources: {requests: {cpu: 2, memory: 1024}}}]}')));
    expect(r.code).toBe(0);
    expect(r.out).toContain('CapacityProvisioned  2vCPU 4GB');
  }],
  ['profile match, cpu "1e999999999" (25-38 s, 740 MB before): refused at once naming the path', async () => {
    const r = await timed(() => profileMatch(podYaml('spec: {containers: [{name: app, resources: {requests: {cpu: "1e999999999"}}}]}')));
    expect(r.code).toBe(1);
    expect(r.out).toContain("spec.containers[0].resources.requests.cpu: invalid cpu quantity: the exponent of '1e999999999' is outside -9..18");
  }],
  ['the webhook path, a malformed pod: a refusal, never a throw', async () => {
    const d = await timed(() => routePod({ metadata: { namespace: 'secure' }, spec: { containers: [{ name: 'app', resources: 'big' }] } } as unknown as Pod, FARGATE_PROFILES as unknown as ProfileLike[]));
    expect(d).toEqual({ action: 'refuse', rule: 'InvalidPod', message: "InvalidPod: spec.containers[0].resources: must be an object, found the string 'big'" });
  }],
];

describe('regressions: hostile inputs reported against Berth', () => {
  it.each(cases)('%s', async (_name, run) => run());
});

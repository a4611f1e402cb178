import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { FargateProfileSpec } from '../../../src/api/fargateprofile.js';
import type { Pod } from '../../../src/api/kube.js';
import { ServiceSpec } from '../../../src/api/service.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { runProfile } from '../../../src/cli/profile.js';
import { importEcs } from '../../../src/convert/import.js';
import { serviceFromEcs } from '../../../src/convert/service.js';
import { taskDefinitionFromEcs } from '../../../src/convert/taskdefinition.js';
import { rolloutLimits } from '../../../src/ecs/rollout.js';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { admitPod, routePod } from '../../../src/fargate/route.js';
import { compileExpression } from '../../../src/placement/compile.js';
import { collectLabelValues } from '../../../src/placement/placement.js';
import { wildcardMatch } from '../../../src/placement/wildcard.js';
import { RenderError } from '../../../src/render/findings.js';
import { renderPodTemplate } from '../../../src/render/podtemplate.js';
import { renderServiceChildren } from '../../../src/render/service/children.js';
import { mutatePod, validatePod } from '../../../src/webhook/pods.js';
import type { AdmissionRequest } from '../../../src/webhook/review.js';
import { memoryIo } from '../convert/memory-io.js';
import { FARGATE_PROFILES, POD, SERVICE, TASK_DEFINITION, hostile, mutated, placementExpression } from './generators.js';

// Seeded fuzzing of Berth's pure code with hostile input. For every input the outcome is either
// a refusal whose message names a path (and the rule), or acceptance; never an exception other
// than the documented refusal, never a hang.
//
// Reproducible: the seed is fixed (FUZZ_SEED overrides it). When a property fails, fast-check
// prints the seed and the path of the smallest failing input; rerun that one case with
//   FUZZ_SEED=<seed> FUZZ_PATH=<path> node --experimental-vm-modules node_modules/jest/bin/jest.js \
//     --selectProjects unit --runTestsByPath test/unit/fuzz/fuzz.test.ts
//
// HANG_MS is a hang detector, not a timing assertion: it is far above what any input needs and
// only catches the unbounded work (backtracking, billion-digit numbers) this suite guards against.

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const PATH = process.env.FUZZ_PATH;
const HANG_MS = 2000;

function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, ...(PATH ? { path: PATH } : {}), endOnFailure: true };
}

let inputs = 0;

/** Runs one case; fails if it takes longer than the hang detector allows. */
function bounded<T>(what: string, run: () => T): T {
  inputs++;
  const started = performance.now();
  const out = run();
  const took = performance.now() - started;
  if (took > HANG_MS) throw new Error(`hang detector: ${what} took ${Math.round(took)} ms`);
  return out;
}

async function boundedAsync<T>(what: string, run: () => Promise<T>): Promise<T> {
  inputs++;
  const started = performance.now();
  const out = await run();
  const took = performance.now() - started;
  if (took > HANG_MS) throw new Error(`hang detector: ${what} took ${Math.round(took)} ms`);
  return out;
}

const json = (v: unknown) => JSON.stringify(v) ?? 'null';

// A finding names where it is: a path, or a message that carries one ("$.x is missing", "--name").
function namesAPlace(f: { path: string; message: string }): boolean {
  return f.message.length > 0 && (f.path !== '' || /\$|--name|both become/.test(f.message));
}

describe('fuzz: berth import conversion', () => {
  it('task definitions: refused with a path, or imported', () => {
    fc.assert(
      fc.property(mutated(TASK_DEFINITION), (doc) => {
        const result = bounded('importEcs', () => importEcs([{ file: 'in.json', text: json(doc) }]));
        for (const m of result.messages.filter((x) => x.severity === 'error')) expect({ m, ok: namesAPlace(m) }).toEqual({ m, ok: true });
        if (result.resources.length > 0) expect(result.messages.some((x) => x.severity === 'error')).toBe(false);
      }),
      params(250),
    );
  });

  it('services: refused with a path, or imported', () => {
    fc.assert(
      fc.property(mutated(SERVICE), (doc) => {
        const result = bounded('importEcs', () => importEcs([{ file: 'in.json', text: json(doc) }]));
        for (const m of result.messages.filter((x) => x.severity === 'error')) expect({ m, ok: namesAPlace(m) }).toEqual({ m, ok: true });
      }),
      params(200),
    );
  });

  it('the conversion functions called directly never throw', () => {
    fc.assert(
      fc.property(hostile, mutated(TASK_DEFINITION), mutated(SERVICE), (raw, td, svc) => {
        bounded('taskDefinitionFromEcs', () => taskDefinitionFromEcs(raw, {}));
        bounded('taskDefinitionFromEcs', () => taskDefinitionFromEcs(td, {}));
        if (typeof svc === 'object' && svc !== null && !Array.isArray(svc)) bounded('serviceFromEcs', () => serviceFromEcs(svc as Record<string, unknown>, ['$'], {}));
      }),
      params(100),
    );
  });
});

describe('fuzz: the zod schemas', () => {
  it.each<[string, typeof TaskDefinitionSpec | typeof ServiceSpec | typeof FargateProfileSpec, unknown]>([
    ['TaskDefinitionSpec', TaskDefinitionSpec, TASK_DEFINITION],
    ['ServiceSpec', ServiceSpec, { ...SERVICE, serviceName: undefined }],
    ['FargateProfileSpec', FargateProfileSpec, FARGATE_PROFILES[0].spec],
  ])('%s: every issue has a message; never a throw', (_name, schema, base) => {
    fc.assert(
      fc.property(fc.oneof(hostile, mutated(base)), (value) => {
        const r = bounded('safeParse', () => schema.safeParse(value));
        if (!r.success) for (const issue of r.error.issues) expect(issue.message.length).toBeGreaterThan(0);
      }),
      params(100),
    );
  });
});

describe('fuzz: the renderers', () => {
  const plan = { taskDefinition: { family: 'web', revision: 1 }, deploymentId: 'ecs-svc/1', replicas: 2, limits: rolloutLimits(2, undefined, 'REPLICA'), paused: false, suspendScaleIn: false };

  it('TaskDefinition: what the schema accepts renders, or is refused with a RenderError naming the path', () => {
    fc.assert(
      fc.property(mutated(TASK_DEFINITION), (doc) => {
        const parsed = TaskDefinitionSpec.safeParse(doc);
        if (!parsed.success) return;
        try {
          bounded('renderPodTemplate', () => renderPodTemplate({ family: 'web', revision: 1, spec: parsed.data }));
        } catch (err) {
          if (!(err instanceof RenderError)) throw err;
          expect(err.path.length).toBeGreaterThan(0);
        }
      }),
      params(150),
    );
  });

  it('Service: what the schema accepts renders, or is refused with a reason', () => {
    const td = TaskDefinitionSpec.parse(TASK_DEFINITION);
    const known = collectLabelValues([{ metadata: { labels: { 'node.kubernetes.io/instance-type': 'm5.large', 'kubernetes.io/hostname': 'general-0' } } }]);
    fc.assert(
      fc.property(mutated({ ...SERVICE, serviceName: undefined }), (doc) => {
        const parsed = ServiceSpec.safeParse(doc);
        if (!parsed.success) return;
        const service = { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'u' }, spec: parsed.data };
        const out = bounded('renderServiceChildren', () =>
          renderServiceChildren({ service, taskDefinition: { family: 'web', revision: 1, spec: td }, rollout: plan, cluster: { knownLabelValues: known } } as never),
        );
        if (!out.ok) expect(out.message.length).toBeGreaterThan(0);
      }),
      params(150),
    );
  });
});

describe('fuzz: placement expressions', () => {
  const hosts = collectLabelValues(Array.from({ length: 50 }, (_, i) => ({ metadata: { labels: { 'kubernetes.io/hostname': `node-${i}-${'a'.repeat(40)}`, 'node.kubernetes.io/instance-type': `m5.${i}xlarge` } } })));
  it('compile: an error names its column, or the expression compiles; linear regexes', () => {
    fc.assert(
      fc.property(placementExpression, (text) => {
        const r = bounded('compileExpression', () => compileExpression(text, { knownLabelValues: hosts }));
        if (!r.ok) for (const e of r.errors) expect(e.message).toMatch(/^at column \d+: |^the expression expands to more than/);
      }),
      params(300),
    );
  });
});

// A TaskDefinition and a Service that runs it, as `berth profile match` reads them.
const BERTH_OBJECTS = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'TaskDefinition', metadata: { name: 'web', namespace: 'secure' }, spec: { ...TASK_DEFINITION, requiresCompatibilities: ['FARGATE'], volumes: [{ name: 'data' }], placementConstraints: undefined } },
    { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', namespace: 'secure' }, spec: { ...SERVICE, serviceName: undefined, taskDefinition: 'web', launchType: 'FARGATE', placementConstraints: undefined, placementStrategy: undefined } },
  ],
};

describe('fuzz: wildcards (profile selectors, attribute values)', () => {
  // The reference: the same wildcard as an RE2 pattern, which matches in linear time.
  const reference = (pattern: string, text: string) =>
    RE2JS.compile(Array.from(pattern).map((c) => (c === '*' ? '(?s:.*)' : c === '?' ? '(?s:.)' : RE2JS.quote(c))).join('')).testExact(text);
  const alphabet = fc.constantFrom('a', 'b', '*', '?', 'é', '🚀');
  it('wildcardMatch agrees with RE2 and stays bounded on star-heavy patterns', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), fc.array(fc.constantFrom('a', 'b', 'é', '🚀'), { maxLength: 2000 }), (p, t) => {
        const pattern = p.join('');
        const text = t.join('');
        expect(bounded('wildcardMatch', () => wildcardMatch(pattern, text))).toBe(reference(pattern, text));
      }),
      params(200),
    );
  });
});

describe('fuzz: Fargate routing, the pod webhook and berth profile match', () => {
  const profiles = FARGATE_PROFILES as unknown as ProfileLike[];

  it('routePod and admitPod: a decision for every value, a refusal always with a message', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 1, arbitrary: hostile }, { weight: 4, arbitrary: mutated(POD) }), (pod) => {
        const d = bounded('routePod', () => routePod(pod as Pod, profiles));
        if (d.action === 'refuse') expect(d.message).toMatch(new RegExp(`${d.rule}: `));
        bounded('admitPod', () => admitPod(pod as Pod, profiles));
      }),
      params(250),
    );
  });

  it('the webhook answers allowed or refused, never an error status', () => {
    fc.assert(
      fc.property(mutated(POD), (pod) => {
        const request: AdmissionRequest = { uid: 'u', operation: 'CREATE', namespace: 'secure', resource: { group: '', version: 'v1', resource: 'pods' }, object: pod };
        for (const handle of [mutatePod, validatePod]) {
          const { response } = bounded('pod webhook', () => handle(request, { profiles, options: {} }));
          expect(typeof response.allowed).toBe('boolean');
          if (!response.allowed) expect(response.status?.message?.length).toBeGreaterThan(0);
          expect((response.status?.code ?? 200) < 500).toBe(true);
        }
      }),
      params(100),
    );
  });

  it('berth profile match: exit status 0, 1 or 2 with a message, never a throw', async () => {
    const profileYaml = JSON.stringify({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', ...FARGATE_PROFILES[0] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(POD), mutated({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'secure' }, spec: { template: POD } }), mutated(BERTH_OBJECTS)), async (doc) => {
        const io = memoryIo({ 'pod.json': json(doc), 'profiles.json': profileYaml });
        const code = await boundedAsync('runProfile', () => runProfile(['match', '-f', 'pod.json', '--profiles', 'profiles.json'], io, { clusterProfiles: async () => [] }));
        expect([0, 1, 2]).toContain(code);
        if (code === 2) expect(io.stderr()).toMatch(/^berth profile match: /);
        else expect(io.stdout().length).toBeGreaterThan(0);
      }),
      params(100),
    );
  });
});

// The documents the hostile values are planted in are themselves accepted, so the fuzzing
// reaches the code past validation too.
describe('fuzz: the base documents are valid', () => {
  it('import accepts the task definition and the service', () => {
    expect(importEcs([{ file: 'td.json', text: json(TASK_DEFINITION) }]).messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(importEcs([{ file: 'svc.json', text: json(SERVICE) }]).messages.filter((m) => m.severity === 'error')).toEqual([]);
  });

  it('berth profile match routes the pod and the Berth objects', async () => {
    for (const doc of [POD, BERTH_OBJECTS]) {
      const io = memoryIo({ 'in.json': json(doc), 'profiles.json': JSON.stringify({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', ...FARGATE_PROFILES[0] }) });
      expect({ code: await runProfile(['match', '-f', 'in.json', '--profiles', 'profiles.json'], io, { clusterProfiles: async () => [] }), err: io.stderr() }).toEqual({ code: 0, err: '' });
    }
  });
});

describe('fuzz: totals', () => {
  it('left no property on the shared prototypes (no prototype pollution)', () => {
    const inherited: string[] = [];
    // structuredClone makes its copies in Node's own realm, whose prototypes every test file shares.
    for (const o of [{}, [], structuredClone({}), structuredClone([])]) for (const k in o) inherited.push(k);
    expect(inherited).toEqual([]);
    expect(ServiceSpec.safeParse({ taskDefinition: 'web' }).success).toBe(true);
  });

  it('ran at least 1,000 hostile inputs', () => {
    expect(inputs).toBeGreaterThanOrEqual(1000);
  });
});

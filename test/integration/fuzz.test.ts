import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { validateResource } from '../../src/api/validate.js';
import { admitResource } from '../../src/ecs/admission.js';
import { KubeApiError } from '../../src/runtime/errors.js';
import { Kube } from '../../src/runtime/kube.js';
import { resourcePath, type ResourceRef } from '../../src/runtime/paths.js';
import { Resources } from '../../src/runtime/resources.js';
import { FARGATE_PROFILES, POD, SERVICE, TASK_DEFINITION, mutated, retyped } from '../unit/fuzz/generators.js';
import { kubeConfig, kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { resourceWebhookServed, useOperator } from './operator.js';

// The fuzz suite's second half, on the real apiserver with the operator running: hostile
// TaskDefinitions, Services and FargateProfiles (the well-formed documents of the unit fuzz suite
// with one hostile value planted) through the CRD schema and the berth-resources webhook, a
// sample of the accepted ones through the controllers, and hostile pods through the pod webhook.
// For every input: refused with a message naming the field, or accepted; never a 5xx, never a
// webhook that fails to answer, never an operator that crashes or hangs.
//
// Reproducible: the seed is fixed (FUZZ_SEED overrides it), and each input is numbered; a
// failure names the input and carries its document. Run it alone with
//   npm run build && node --experimental-vm-modules node_modules/jest/bin/jest.js \
//     --selectProjects integration --runTestsByPath test/integration/fuzz.test.ts
//
// Server-side dry runs store nothing. The timeouts only catch hangs.

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const API = 'ecs.berth.dev/v1alpha1';
// Per kind: documents with a hostile value of any type planted, and with one value replaced by a
// hostile value of the same type (these pass the type checks and reach the rules behind them).
const COUNTS = { TaskDefinition: 60, Service: 80, FargateProfile: 15, Pod: 40 };
// How many accepted Services are then created for real, over how many namespaces.
const CREATED = { services: 36, namespaces: 6 };
const HANG_MS = 30_000;

const { serviceName: _name, ...SERVICE_SPEC } = { ...SERVICE, taskDefinition: 'web' };
const { namespace: _ns, ...POD_METADATA } = POD.metadata;

/** `count` documents from `arbitrary`, the same for the same seed. */
function sample(arbitrary: fc.Arbitrary<unknown>, count: number, salt: number): unknown[] {
  return fc.sample(arbitrary, { seed: SEED + salt, numRuns: count });
}

function envelope(kind: string, name: string, spec: unknown): Record<string, unknown> {
  return { apiVersion: API, kind, metadata: { name }, spec };
}

/** Hostile specs of one kind: `count` of each generator. */
function specs(base: unknown, count: number, salt: number): unknown[] {
  return [...sample(mutated(base), count, salt), ...sample(retyped(base), count, salt + 1)];
}

const berthInputs = [
  ...specs(TASK_DEFINITION, COUNTS.TaskDefinition, 10).map((spec, i) => ({ id: `TaskDefinition #${i}`, object: envelope('TaskDefinition', 'web', spec) })),
  ...specs(SERVICE_SPEC, COUNTS.Service, 20).map((spec, i) => ({ id: `Service #${i}`, object: envelope('Service', 'web', spec) })),
  ...specs(FARGATE_PROFILES[0].spec, COUNTS.FargateProfile, 30).map((spec, i) => ({ id: `FargateProfile #${i}`, object: envelope('FargateProfile', `fuzz-${SEED}-${i}`, spec) })),
];

// The pod with the host and privilege switches the webhook checks written out (off), so that
// flipping one reaches the webhook's rules.
const POD_SPEC = { ...POD.spec, hostNetwork: false, hostPID: false, hostIPC: false, containers: POD.spec.containers.map((c) => ({ ...c, securityContext: { privileged: false } })) };
// Left out: quantities with an exponent of millions ("1e999999999"). The apiserver's own quantity
// parser, which decodes the pod before any webhook sees it, works on those for longer than the
// hang detector allows (upstream: kubernetes/kubernetes#131063); Berth never writes one, its
// renderer bounds exponents.
const HUGE_EXPONENT = /\de-?\d{7,}/i;
const podInputs = specs({ apiVersion: 'v1', kind: 'Pod', metadata: POD_METADATA, spec: POD_SPEC }, COUNTS.Pod, 40)
  .map((object, i) => ({ id: `Pod #${i}`, object: object as Record<string, unknown> }))
  .filter(({ object }) => !HUGE_EXPONENT.test(JSON.stringify(object)));

type Outcome = { accepted: true } | { accepted: false; code: number; message: string };

/** The apiserver's answer to a request about `input`; anything but an answer (no answer in time, a reset) throws. */
async function answer(input: unknown, send: (signal: AbortSignal) => Promise<unknown>): Promise<Outcome> {
  const started = performance.now();
  try {
    await send(AbortSignal.timeout(HANG_MS));
    return { accepted: true };
  } catch (err) {
    if (err instanceof KubeApiError) return { accepted: false, code: err.code, message: err.status?.message ?? err.message };
    throw new Error(`no answer after ${Math.round(performance.now() - started)} ms (${(err as Error).message}) for ${short(input)}`, { cause: err });
  }
}

/**
 * A server dry run of a create, as `kubectl create` and a first `kubectl apply` send it: POST
 * with strict field validation. (A server-side apply of an unknown field is answered with a 500,
 * "failed to create typed patch object", by the apiserver itself, before any validation or
 * webhook: kubernetes/kubernetes#122480.)
 */
async function dryRunCreate(object: Record<string, unknown>, namespace: string | undefined, signal: AbortSignal): Promise<unknown> {
  const ref = await kube.resourceFor(object.apiVersion as string, object.kind as string);
  return kube.request({
    method: 'POST',
    path: resourcePath(ref, namespace),
    query: { dryRun: 'All', fieldValidation: 'Strict', fieldManager: 'berth-fuzz' },
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(object),
    signal,
  });
}

/** Runs `work` over `items`, `width` at a time, in order of the results. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

// A message names a field: the CRD's validation ("spec.x: Invalid value"), a strict decoding
// error (".spec.x: field not declared in schema"), or the webhook ("InvalidParameterException: spec.x: ...").
const NAMES_A_FIELD = /(^|[\s"([,])\.?(spec|metadata)(\.|\[|:|\b)/;
const RESOURCES_WEBHOOK = 'admission webhook "resources.ecs.berth.dev" denied the request';
const PODS_WEBHOOK = 'admission webhook "pods.fargate.ecs.berth.dev" denied the request';
// What a webhook that failed to answer, or a server error, looks like.
const SERVER_FAILURE = /failed calling webhook|Internal error|InternalError|panic/i;

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} characters)` : text;
}

const totals = { inputs: 0, refused: 0, accepted: 0, created: 0 };

function count(outcome: Outcome): void {
  totals.inputs++;
  if (outcome.accepted) totals.accepted++;
  else totals.refused++;
}

let kube: Kube;
const namespaces: string[] = [];
const profiles: string[] = [];

async function namespace(prefix: string): Promise<string> {
  const ns = await newNamespace(prefix);
  namespaces.push(ns);
  return ns;
}

// Declared before useOperator: afterAll hooks run in the order declared, so the namespaces go
// while the operator still runs and releases the TaskDefinitions' finalizers.
afterAll(async () => {
  for (const ns of namespaces) await removeNamespace(ns);
  for (const name of profiles) await kubectl(['delete', 'fargateprofile', name, '--ignore-not-found']);
  kube.close();
  console.log(`fuzz (seed ${SEED}): ${totals.inputs} inputs, ${totals.refused} refused, ${totals.accepted} accepted; ${totals.created} Services created for real`);
});

const operator = useOperator(['--webhook-address', '127.0.0.1:0']);

beforeAll(() => {
  kube = new Kube(kubeConfig(), { fieldManager: 'berth-fuzz' });
});

/** A refusal's problem, if any: a server error, a webhook that did not answer, or no field named. */
function refusalProblem(outcome: { code: number; message: string }): string | undefined {
  if (outcome.code >= 500 || SERVER_FAILURE.test(outcome.message)) return `${outcome.code} ${outcome.message.slice(0, 400)}`;
  if (!NAMES_A_FIELD.test(outcome.message)) return `refused without naming a field: ${outcome.message.slice(0, 400)}`;
  return undefined;
}

const accepted: Record<string, unknown>[] = [];

describe('hostile Berth objects on the apiserver (server dry run)', () => {
  beforeAll(async () => {
    await resourceWebhookServed(await namespace('fuzz'));
  });

  test('each is refused naming the field, or accepted, and the offline schema agrees', async () => {
    const ns = namespaces[0];
    const results = await pool(berthInputs, 4, async ({ id, object }) => {
      const outcome = await answer(object, (signal) => dryRunCreate(object, object.kind === 'FargateProfile' ? undefined : ns, signal));
      count(outcome);
      return { id, object, outcome };
    });
    const problems: string[] = [];
    const disagreements: string[] = [];
    // Two lines, each with its offline twin: the CRD (schema and CEL rules) is validateResource;
    // the berth-resources webhook is admitResource, which adds what CEL cannot express (the
    // placement grammar, dependsOn cycles of any length, the renderer's cross-field checks). The
    // checks that need the cluster's state (a FARGATE Service naming an EC2-only or deregistered
    // task definition) cannot differ here: the namespace holds no TaskDefinition.
    for (const { id, object, outcome } of results) {
      // What the apiserver received: JSON, in which an undefined value is no key at all.
      const sent = JSON.parse(JSON.stringify(object)) as unknown;
      const schema = validateResource(sent);
      const admission = admitResource(sent);
      const spec = short(object.spec);
      if (outcome.accepted) {
        accepted.push(object);
        if (!schema.ok) disagreements.push(`${id}: the apiserver accepts, validateResource refuses (${schema.errors.join('; ')}): ${spec}`);
        else if (!admission.allowed) disagreements.push(`${id}: the apiserver accepts, admitResource refuses (${admission.findings.map((f) => f.message).join('; ')}): ${spec}`);
        continue;
      }
      const problem = refusalProblem(outcome);
      const message = outcome.message.slice(0, 300);
      if (problem) problems.push(`${id}: ${problem}: ${spec}`);
      else if (outcome.message.includes(RESOURCES_WEBHOOK)) {
        if (!schema.ok) disagreements.push(`${id}: the CRD accepts, validateResource refuses (${schema.errors.join('; ')}): ${spec}`);
        if (admission.allowed) disagreements.push(`${id}: the webhook refuses (${message}), admitResource accepts: ${spec}`);
      } else if (schema.ok) disagreements.push(`${id}: the CRD refuses (${message}), validateResource accepts: ${spec}`);
    }
    expect(problems).toEqual([]);
    expect(disagreements).toEqual([]);
    // Both outcomes occur for each kind: the generators reach past validation.
    for (const kind of ['TaskDefinition', 'Service', 'FargateProfile']) {
      const ofKind = results.filter((r) => r.object.kind === kind);
      expect({ kind, accepted: ofKind.some((r) => r.outcome.accepted), refused: ofKind.some((r) => !r.outcome.accepted) }).toEqual({ kind, accepted: true, refused: true });
    }
  });
});

type Condition = { type: string; status: string; reason?: string; message?: string };

/**
 * The Service's settled outcome: its workload exists and nothing failed, or Ready=False says why
 * (for the current generation); undefined while neither. A child the apiserver refused shows as
 * Ready=False ApplyFailed even when the workload itself was applied.
 */
async function settled(ns: string, name: string): Promise<{ outcome: string; message?: string } | undefined> {
  const svc = await kube.request<any>({ method: 'GET', path: `/apis/${API}/namespaces/${ns}/services/${name}` });
  const ready = (svc.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Ready');
  const failed = ready?.status === 'False' && ready.reason && ready.message && svc.status?.observedGeneration === svc.metadata.generation;
  if (failed && ready.reason === 'ApplyFailed') return { outcome: `Ready=False ${ready.reason}`, message: ready.message };
  const owned = async (ref: ResourceRef) => (await kube.list(ref, { namespace: ns })).items.some((w) => w.metadata?.ownerReferences?.some((o) => o.uid === svc.metadata.uid));
  if ((await owned(Resources.Deployment)) || (await owned(Resources.DaemonSet))) return { outcome: 'workload created' };
  if (failed) return { outcome: `Ready=False ${ready.reason}`, message: ready.message };
  return undefined;
}

describe('accepted hostile objects through the controllers', () => {
  let healthFailures = 0;
  let polling: NodeJS.Timeout;
  beforeAll(() => {
    // /healthz polled the whole time; a failure, or no answer within the interval, counts.
    polling = setInterval(() => {
      fetch(`${operator.current().probeUrl}/healthz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => (healthFailures += r.ok ? 0 : 1))
        .catch(() => (healthFailures += 1));
    }, 500);
  });
  afterAll(() => clearInterval(polling));

  test('every created Service gets its workload or a Ready=False condition saying why; the operator stays healthy', async () => {
    const taskDefinitions = accepted.filter((o) => o.kind === 'TaskDefinition');
    // Replicas are capped so the sample cannot load the shared cluster's nodes: a desiredCount of
    // 2^31-1 is valid, and would be honoured.
    const services = accepted.filter((o) => o.kind === 'Service' && ((o.spec as any).desiredCount ?? 0) <= 3).slice(0, CREATED.services);
    expect(taskDefinitions.length).toBeGreaterThan(0);
    expect(services.length).toBeGreaterThanOrEqual(10);
    const created: { ns: string; name: string; taskDefinition: unknown }[] = [];
    const problems: string[] = [];
    // Each Service runs its own accepted TaskDefinition (renamed t-<n>, its family with it), so
    // as many hostile TaskDefinitions as Services reach the renderer. The TaskDefinitions go
    // first and are registered before the Services come, so a TaskDefinitionNotFound is final.
    const nss: string[] = [];
    for (let k = 0; k < CREATED.namespaces; k++) nss.push(await namespace('fuzz-run'));
    const registered = new Set<string>();
    await pool([...services.keys()], 4, async (i) => {
      const td = taskDefinitions[i % taskDefinitions.length];
      const family = `t-${i}`;
      const ns = nss[i % nss.length];
      if (!(await dryRunOrCreate({ ...td, metadata: { name: family }, spec: { ...(td.spec as object), family } }, ns, problems))) return;
      await waitFor(`TaskDefinition ${ns}/${family} registered`, async () => (await kube.request<any>({ method: 'GET', path: `/apis/${API}/namespaces/${ns}/taskdefinitions/${family}` })).status?.revision === 1, 60_000, 500);
      registered.add(family);
    });
    await pool([...services.entries()], 4, async ([i, service]) => {
      const spec = service.spec as { taskDefinition?: unknown };
      const object = { ...service, metadata: { name: `s-${i}` }, spec: { ...spec, taskDefinition: spec.taskDefinition === 'web' ? `t-${i}` : spec.taskDefinition } };
      if (await dryRunOrCreate(object, nss[i % nss.length], problems)) created.push({ ns: nss[i % nss.length], name: `s-${i}`, taskDefinition: object.spec.taskDefinition });
    });
    totals.created = created.length;
    expect(problems).toEqual([]);
    const outcomes = await Promise.all(created.map(({ ns, name }) => waitFor(`Service ${ns}/${name} to settle`, () => settled(ns, name), 180_000, 1000)));
    const byOutcome: Record<string, number> = {};
    for (const { outcome } of outcomes) byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
    console.log(`fuzz: ${created.length} hostile Services created, running ${Math.min(services.length, taskDefinitions.length)} hostile TaskDefinitions: ${JSON.stringify(byOutcome)}\n${outcomes.filter((o) => o.message).map((o) => `${o.outcome}: ${o.message}`).join('\n')}`);
    // A spec the renderer refuses is reported with the field; a child the apiserver refused, with
    // the child and the apiserver's own message. A pod template too large for etcd to keep (a
    // 1 MiB environment variable name) is refused by the render check, before any apply.
    for (const o of outcomes.filter((x) => x.outcome.includes('ApplyFailed'))) expect(o.message).toMatch(/^apply [A-Za-z]+ \S+ failed: ./);
    // A Service whose TaskDefinition was registered never stays on TaskDefinitionNotFound.
    const stuck = created.filter((c, i) => outcomes[i].outcome.includes('TaskDefinitionNotFound') && registered.has(String(c.taskDefinition)));
    expect(stuck).toEqual([]);
    for (const o of outcomes.filter((x) => x.outcome.includes('Invalid'))) expect({ ...o, namesAField: NAMES_A_FIELD.test(o.message ?? '') }).toEqual({ ...o, namesAField: true });

    // One broken object never stops the others: a well-formed Service created after them runs.
    const ns = await namespace('fuzz-ok');
    await kubectl(['create', '-n', ns, '-f', '-'], stringify(envelope('TaskDefinition', 'web', { requiresCompatibilities: ['EC2'], containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 64 }] })));
    await kubectl(['create', '-n', ns, '-f', '-'], stringify(envelope('Service', 'web', { taskDefinition: 'web', desiredCount: 1, launchType: 'EC2' })));
    await waitFor('the well-formed Service to reach a steady state', async () => {
      const svc = await kubectlJson(['get', 'services.ecs.berth.dev', 'web', '-n', ns]);
      const [primary] = svc.status?.deployments ?? [];
      return primary?.rolloutState === 'COMPLETED' && primary.runningCount === 1;
    }, 180_000, 1000);
    expect(healthFailures).toBe(0);
  });
});

/** Creates the object for real; a refusal (the webhook now sees the namespace's TaskDefinition) must name the field. */
async function dryRunOrCreate(object: Record<string, unknown>, ns: string, problems: string[]): Promise<boolean> {
  const outcome = await answer(object, async (signal) => {
    const ref = await kube.resourceFor(object.apiVersion as string, object.kind as string);
    return kube.request({ method: 'POST', path: resourcePath(ref, ns), query: { fieldValidation: 'Strict', fieldManager: 'berth-fuzz' }, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(object), signal });
  });
  if (outcome.accepted) return true;
  const problem = refusalProblem(outcome);
  if (problem) problems.push(`${object.kind} ${ns}: ${problem}: ${short(object.spec)}`);
  return false;
}

describe('hostile pods through the pod webhook (server dry run)', () => {
  test('each is refused naming the rule or the field, or accepted; the webhook always answers', async () => {
    const ns = await namespace('fuzz-pods');
    const profile = `fuzz-${randomBytes(3).toString('hex')}`;
    profiles.push(profile);
    await kubectl(['create', '-f', '-'], stringify(envelope('FargateProfile', profile, { selectors: [{ namespace: ns }] })));
    const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
    await waitFor(`the webhook to route pods in ${ns}`, async () => {
      const pod = await kube.request<any>({ method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, query: { dryRun: 'All' }, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(probe) });
      return !!pod.spec.runtimeClassName;
    });

    const results = await pool(podInputs, 4, async ({ id, object }) => {
      const outcome = await answer(object, (signal) =>
        kube.request({ method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, query: { dryRun: 'All', fieldValidation: 'Strict' }, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(object), signal }),
      );
      count(outcome);
      return { id, object, outcome };
    });
    const problems: string[] = [];
    const seen = { accepted: 0, byWebhook: 0, byApiserver: 0 };
    for (const { id, object, outcome } of results) {
      if (outcome.accepted) {
        seen.accepted++;
        continue;
      }
      if (outcome.code >= 500 || SERVER_FAILURE.test(outcome.message)) problems.push(`${id}: ${outcome.code} ${outcome.message.slice(0, 400)}: ${short(object)}`);
      else if (outcome.message.includes(PODS_WEBHOOK)) {
        seen.byWebhook++;
        // The webhook names the profile and the rule: 'FargateProfile "x" refuses the pod: HostPID: ...'.
        if (!/refuses the pod: [A-Za-z]+: ./.test(outcome.message)) problems.push(`${id}: refused without naming the rule: ${outcome.message.slice(0, 400)}`);
      } else {
        // The apiserver's own decoding and validation of pods (400, 422), before or after the webhook.
        seen.byApiserver++;
        if (![400, 422].includes(outcome.code)) problems.push(`${id}: ${outcome.code} ${outcome.message.slice(0, 400)}`);
      }
    }
    console.log(`fuzz: ${results.length} hostile pods: ${JSON.stringify(seen)}`);
    expect(problems).toEqual([]);
    // The generators reach the webhook: pods it routes, and pods it refuses.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.byWebhook).toBeGreaterThan(0);
  });
});

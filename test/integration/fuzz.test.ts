import fc from 'fast-check';
import { stringify } from 'yaml';
import { validateResource } from '../../src/api/validate.js';
import { KubeApiError } from '../../src/runtime/errors.js';
import { Kube } from '../../src/runtime/kube.js';
import { resourcePath } from '../../src/runtime/paths.js';
import { FARGATE_PROFILES, POD, SERVICE, TASK_DEFINITION, mutated } from '../unit/fuzz/generators.js';
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
// failure names the input, whose document the failure message carries.
//
// Server-side dry runs store nothing. The timeouts only catch hangs.

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const API = 'ecs.berth.dev/v1alpha1';
const COUNTS = { TaskDefinition: 90, Service: 90, FargateProfile: 30, Pod: 80 };
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

const berthInputs = [
  ...sample(mutated(TASK_DEFINITION), COUNTS.TaskDefinition, 1).map((spec, i) => ({ id: `TaskDefinition #${i}`, object: envelope('TaskDefinition', 'web', spec) })),
  ...sample(mutated(SERVICE_SPEC), COUNTS.Service, 2).map((spec, i) => ({ id: `Service #${i}`, object: envelope('Service', 'web', spec) })),
  ...sample(mutated(FARGATE_PROFILES[0].spec), COUNTS.FargateProfile, 3).map((spec, i) => ({ id: `FargateProfile #${i}`, object: envelope('FargateProfile', `fuzz-${SEED}-${i}`, spec) })),
];

type Outcome = { accepted: true } | { accepted: false; code: number; message: string };

/** The apiserver's answer to a request; anything but an answer (a timeout, a reset) throws. */
async function answer(send: (signal: AbortSignal) => Promise<unknown>): Promise<Outcome> {
  try {
    await send(AbortSignal.timeout(HANG_MS));
    return { accepted: true };
  } catch (err) {
    if (err instanceof KubeApiError) return { accepted: false, code: err.code, message: err.status?.message ?? err.message };
    throw err;
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
const NAMES_A_FIELD = /(^|[\s"(\[,])\.?(spec|metadata)(\.|\[|:|\b)/;
// What a webhook that failed to answer, or a server error, looks like.
const SERVER_FAILURE = /failed calling webhook|Internal error|InternalError|panic/i;

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} characters)` : text;
}

const totals = { inputs: 0, refused: 0, accepted: 0 };

function count(outcome: Outcome): void {
  totals.inputs++;
  if (outcome.accepted) totals.accepted++;
  else totals.refused++;
}

const operator = useOperator(['--webhook-address', '127.0.0.1:0']);
let kube: Kube;
const namespaces: string[] = [];
const profiles: string[] = [];

async function namespace(prefix: string): Promise<string> {
  const ns = await newNamespace(prefix);
  namespaces.push(ns);
  return ns;
}

beforeAll(async () => {
  kube = new Kube(kubeConfig(), { fieldManager: 'berth-fuzz' });
  const ns = await namespace('fuzz');
  await resourceWebhookServed(ns);
});

afterAll(async () => {
  for (const ns of namespaces) await removeNamespace(ns);
  for (const name of profiles) await kubectl(['delete', 'fargateprofile', name, '--ignore-not-found']);
  kube.close();
  console.log(`fuzz (seed ${SEED}): ${totals.inputs} inputs, ${totals.refused} refused, ${totals.accepted} accepted`);
});

const accepted: Record<string, unknown>[] = [];

describe('hostile Berth objects on the apiserver (server-side dry run)', () => {
  test('each is refused naming the field, or accepted and valid for the offline schema too', async () => {
    const ns = namespaces[0];
    const results = await pool(berthInputs, 4, async ({ id, object }) => {
      const outcome = await answer((signal) => dryRunCreate(object, object.kind === 'FargateProfile' ? undefined : ns, signal));
      count(outcome);
      return { id, object, outcome, offline: validateResource(object) };
    });
    const problems: string[] = [];
    const disagreements: string[] = [];
    for (const { id, object, outcome, offline } of results) {
      if (outcome.accepted) {
        accepted.push(object);
        if (!offline.ok) disagreements.push(`${id}: the apiserver accepts, the offline schema refuses (${offline.errors.join('; ')}): ${short(object.spec)}`);
        continue;
      }
      if (outcome.code >= 500 || SERVER_FAILURE.test(outcome.message)) problems.push(`${id}: ${outcome.code} ${outcome.message.slice(0, 400)}: ${short(object.spec)}`);
      else if (!NAMES_A_FIELD.test(outcome.message)) problems.push(`${id}: refused without naming a field: ${outcome.message.slice(0, 400)}`);
      else if (offline.ok) disagreements.push(`${id}: the apiserver refuses (${outcome.message.slice(0, 300)}), the offline schema accepts: ${short(object.spec)}`);
    }
    console.log(results.filter((r) => !r.outcome.accepted).map((r) => `${r.id}: ${(r.outcome as any).code} ${(r.outcome as any).message.slice(0, 200)}`).join('\n'));
    expect(problems).toEqual([]);
    expect(disagreements).toEqual([]);
    // Both outcomes occur: the generator reaches past validation.
    expect(results.some((r) => r.outcome.accepted) && results.some((r) => !r.outcome.accepted)).toBe(true);
  });
});

import { seconds, until } from '../bench/measure.js';
import { benchPod } from '../bench/b3-setup.js';
import { FargateProfileRef } from '../controllers/resources.js';
import { ISOLATED_RUNTIME_CLASS } from '../placement/labels.js';
import { Resources, type KubeObject } from '../runtime/index.js';
import { sleep } from '../runtime/time.js';
import { retrying } from './fleet.js';
import type { ChaosOperator } from './operator.js';
import { operator, type ChaosContext, type ScenarioResult } from './scenario.js';

// The pod webhook goes away (kill -9 of the operator serving it, registered by URL) while pods are
// created in a namespace a FargateProfile selects and in one no profile selects. The first must
// be refused while it is away (fail closed: never an unrouted pod), and routed again once it is
// back; the second must never notice.

export interface WebhookOptions {
  outages: number;
}

const PROFILE_NAMESPACE = 'chaos-fargate';
const PLAIN_NAMESPACE = 'chaos-plain';
/** How long pods are created while the webhook is away, before it is started again. */
const DOWN_MS = 3000;
const ATTEMPT_EVERY_MS = 200;

type Outcome = 'routed' | 'unrouted' | 'refused';

export async function webhookScenario(ctx: ChaosContext, options: WebhookOptions): Promise<ScenarioResult> {
  const { kube, progress } = ctx;
  const result: ScenarioResult = {
    title: 'pod webhook down (operator killed)', runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: 'webhook back (restart → a routed pod created)', times: [], failures: [], notes: [],
  };
  const counts = { refusedWhileDown: 0, attemptsWhileDown: 0, admittedWhileDown: 0, unrouted: 0, plain: 0, plainRefused: 0, refusedWhileUp: 0 };
  let serial = 0;
  const create = async (namespace: string): Promise<Outcome> => {
    try {
      const pod = await kube.create(benchPod(`chaos-${++serial}`, namespace) as KubeObject & { spec: { runtimeClassName?: string } });
      return pod.spec.runtimeClassName === ISOLATED_RUNTIME_CLASS ? 'routed' : 'unrouted';
    } catch {
      return 'refused';
    }
  };
  const plain = async () => {
    counts.plain++;
    if ((await create(PLAIN_NAMESPACE)) === 'refused') counts.plainRefused++;
  };
  /** A pod in the profile's namespace while the webhook serves: must be created and routed. */
  const whileUp = async () => {
    const outcome = await create(PROFILE_NAMESPACE);
    if (outcome === 'unrouted') counts.unrouted++;
    if (outcome === 'refused') counts.refusedWhileUp++;
  };

  const args = ['--webhook-address', '127.0.0.1:0'];
  let current: ChaosOperator = await operator(ctx, args);
  try {
    for (const name of [PROFILE_NAMESPACE, PLAIN_NAMESPACE]) {
      await retrying(`namespace ${name}`, () => kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'berth-chaos' }));
      await until(`the default ServiceAccount of ${name}`, async () => !!(await kube.get(Resources.ServiceAccount, 'default', name).catch(() => undefined)), 60000, 250);
    }
    await kube.apply({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: FargateProfileRef.kind, metadata: { name: 'chaos-webhook' }, spec: { selectors: [{ namespace: PROFILE_NAMESPACE }] } } as KubeObject, { fieldManager: 'berth-chaos' });
    await until('the webhook to route pods', async () => (await create(PROFILE_NAMESPACE)) === 'routed', 120000, 500);

    for (let i = 1; i <= options.outages; i++) {
      await whileUp();
      await plain();
      await current.kill();
      const downUntil = performance.now() + DOWN_MS;
      while (performance.now() < downUntil) {
        counts.attemptsWhileDown++;
        const outcome = await create(PROFILE_NAMESPACE);
        if (outcome === 'refused') counts.refusedWhileDown++;
        else counts.admittedWhileDown++;
        if (outcome === 'unrouted') counts.unrouted++;
        await plain();
        await sleep(ATTEMPT_EVERY_MS);
      }

      current = await operator(ctx, args, false);
      let back = false;
      const timeoutAt = performance.now() + ctx.convergeTimeoutMs;
      while (!back && performance.now() < timeoutAt) {
        const outcome = await create(PROFILE_NAMESPACE);
        if (outcome === 'unrouted') counts.unrouted++;
        back = outcome === 'routed';
        await plain();
        if (!back) await sleep(ATTEMPT_EVERY_MS);
      }
      if (!back) {
        result.failures.push(`outage ${i}: no pod was routed ${seconds(ctx.convergeTimeoutMs)} after the operator started again; log ${current.logName}`);
        break;
      }
      const recovery = performance.now() - current.startedAt;
      result.times.push(recovery);
      for (let k = 0; k < 3; k++) {
        await whileUp();
        await plain();
      }
      progress(`webhook: outage ${i}/${options.outages}: ${counts.refusedWhileDown}/${counts.attemptsWhileDown} refused while down so far; routed again ${seconds(recovery)} after the restart`);
    }
  } finally {
    await current.stop();
  }

  if (counts.admittedWhileDown > 0) result.failures.push(`${counts.admittedWhileDown} pods of ${PROFILE_NAMESPACE} were admitted while the webhook was down (fail open)`);
  if (counts.unrouted > 0) result.failures.push(`${counts.unrouted} pods of ${PROFILE_NAMESPACE} were created without the profile's routing`);
  if (counts.refusedWhileUp > 0) result.failures.push(`${counts.refusedWhileUp} pods of ${PROFILE_NAMESPACE} were refused while the webhook served`);
  result.lost = counts.plainRefused;
  result.runs = `${result.times.length} outages`;
  result.checked = `${counts.refusedWhileDown}/${counts.attemptsWhileDown} refused while down; ${counts.plain - counts.plainRefused}/${counts.plain} plain pods created`;
  result.notes.push(
    `The operator serves the pod webhook on 127.0.0.1 (registered by URL) and is killed with -9, so the registration stays and points nowhere; for ${DOWN_MS / 1000} s pods are created every ${ATTEMPT_EVERY_MS} ms in ${PROFILE_NAMESPACE} (a FargateProfile selects it) and ${PLAIN_NAMESPACE} (none does), then the operator starts again and registers its new address. Lost = pods of ${PLAIN_NAMESPACE} refused; ${counts.unrouted} pods were created in ${PROFILE_NAMESPACE} without routing, ${counts.admittedWhileDown} admitted there while the webhook was down.`,
  );
  return result;
}

import type { Service } from '../api/service.js';
import { until } from '../bench/measure.js';
import { FargateProfileRef, ServiceRef, TaskDefinitionRef } from '../controllers/resources.js';
import { apiStatus, Resources, type Kube, type KubeObject, type ResourceRef } from '../runtime/index.js';
import { sleep } from '../runtime/time.js';
import { checkSnapshot, isClean, type Findings, type Snapshot } from './invariants.js';
import type { Random } from './random.js';

// The Services a scenario rolls: one TaskDefinition family and a few Services in one namespace,
// some of them split over capacity providers, and the changes that start ECS deployments.

const API = 'ecs.berth.dev/v1alpha1';
const FAMILY = 'app';
/** desiredCount of every Service. */
const DESIRED = 2;
const FIELD_MANAGER = 'berth-chaos';

/** The two capacity provider strategies a split Service alternates between: adding and retiring web-fargate. */
const ONE_PROVIDER = [{ capacityProvider: 'EC2', base: 1, weight: 1 }];
const TWO_PROVIDERS = [{ capacityProvider: 'EC2', base: 1, weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }];

export type Change = 'image' | 'force' | 'providers';

/** A change made to the fleet, and how many ECS deployments it starts. */
export interface Rollout {
  change: Change;
  services: string[];
}

export class Fleet {
  private tag = 27;
  private token = 0;
  private readonly twoProviders = new Set<string>();
  readonly services: string[];
  /** The Services run one Deployment per capacity provider. */
  readonly split: string[];

  constructor(
    private readonly kube: Kube,
    readonly namespace: string,
    count: number,
    splitCount: number,
  ) {
    this.services = Array.from({ length: count }, (_, i) => `svc-${i}`);
    this.split = this.services.slice(count - splitCount);
  }

  /** The namespace, the FargateProfile its FARGATE shares need, the TaskDefinition and the Services. */
  async create(): Promise<void> {
    await retrying(`namespace ${this.namespace}`, () => this.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } }, { fieldManager: FIELD_MANAGER }));
    await until(`the default ServiceAccount of ${this.namespace}`, async () => !!(await this.kube.get(Resources.ServiceAccount, 'default', this.namespace).catch(() => undefined)), 60000, 250);
    await this.apply({
      apiVersion: API, kind: FargateProfileRef.kind, metadata: { name: `chaos-${this.namespace}` },
      spec: { selectors: [{ namespace: this.namespace, labels: { 'ecs.berth.dev/launch-type': 'FARGATE' } }] },
    });
    await this.applyTaskDefinition();
    for (const name of this.services) await this.applyService(name, false);
  }

  /** One random change: a new image (a new revision: every Service rolls), forceNewDeployment of some, or a provider added or retired with a restart. */
  async change(random: Random): Promise<Rollout> {
    const change = random.pick<Change>(this.split.length > 0 ? ['image', 'force', 'providers'] : ['image', 'force']);
    if (change === 'image') {
      this.tag++;
      await this.applyTaskDefinition();
      return { change, services: [...this.services] };
    }
    if (change === 'force') return this.force(random.sample(this.services, random.int(1, Math.max(1, Math.floor(this.services.length / 2)))));
    const name = random.pick(this.split);
    if (this.twoProviders.has(name)) this.twoProviders.delete(name);
    else this.twoProviders.add(name);
    this.token++;
    await this.applyService(name, true);
    return { change, services: [name] };
  }

  /** forceNewDeployment of these Services: a new deployment of the same revision. */
  async force(names: string[]): Promise<Rollout> {
    this.token++;
    for (const name of names) await this.applyService(name, true);
    return { change: 'force', services: names };
  }

  async newImage(): Promise<Rollout> {
    this.tag++;
    await this.applyTaskDefinition();
    return { change: 'image', services: [...this.services] };
  }

  /** Everything the invariants look at, read from the apiserver. */
  async snapshot(): Promise<Snapshot> {
    const list = async <T extends KubeObject>(ref: ResourceRef) => (await this.kube.list<T>(ref, { namespace: this.namespace })).items.map((o) => ({ ...o, kind: ref.kind }));
    const [services, taskDefinitions, deployments, replicaSets, kubeServices, autoscalers, pods] = await Promise.all([
      list<Service>(ServiceRef), list(TaskDefinitionRef), list(Resources.Deployment), list(Resources.ReplicaSet),
      list(Resources.Service), list(Resources.HorizontalPodAutoscaler), list(Resources.Pod),
    ]);
    return { services, taskDefinitions, deployments, replicaSets, kubeServices, autoscalers, pods } as Snapshot;
  }

  /**
   * Waits until every invariant holds (resolves with the time it took) or `timeoutMs` passes
   * (resolves with what still fails). The apiserver may be unreachable meanwhile.
   */
  async converge(timeoutMs: number): Promise<{ ms: number; findings: Findings }> {
    const started = performance.now();
    let findings: Findings = { orphaned: [], duplicated: [], pending: ['not read yet'] };
    while (performance.now() - started < timeoutMs) {
      try {
        findings = checkSnapshot(await this.snapshot());
        if (isClean(findings)) return { ms: performance.now() - started, findings };
      } catch {
        // The apiserver is restarting: the next round asks again.
      }
      await sleep(250);
    }
    return { ms: performance.now() - started, findings };
  }

  private async applyTaskDefinition(): Promise<void> {
    await this.apply({
      apiVersion: API, kind: TaskDefinitionRef.kind, metadata: { name: FAMILY, namespace: this.namespace },
      spec: {
        family: FAMILY, requiresCompatibilities: ['EC2', 'FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
        containerDefinitions: [{ name: 'app', image: `nginx:1.${this.tag}`, essential: true, portMappings: [{ containerPort: 80 }] }],
      },
    });
  }

  /** `restart`: a new forceNewDeployment token; otherwise the Service keeps the one it has. */
  private async applyService(name: string, restart: boolean): Promise<void> {
    const split = this.split.includes(name);
    const spec: Record<string, unknown> = { taskDefinition: FAMILY, desiredCount: DESIRED };
    if (split) spec.capacityProviderStrategy = this.twoProviders.has(name) ? TWO_PROVIDERS : ONE_PROVIDER;
    else spec.launchType = 'EC2';
    const current = await retrying(`Service ${name}`, () => this.kube.get<Service>(ServiceRef, name, this.namespace));
    const token = restart ? `chaos-${this.token}` : current?.spec.forceNewDeployment;
    if (token !== undefined) spec.forceNewDeployment = token;
    await this.apply({ apiVersion: API, kind: ServiceRef.kind, metadata: { name, namespace: this.namespace }, spec });
  }

  private apply(obj: KubeObject & { spec: unknown }): Promise<unknown> {
    return retrying(`${obj.kind} ${obj.metadata?.name}`, () => this.kube.apply(obj, { fieldManager: FIELD_MANAGER }));
  }
}

/**
 * Retries a request for up to a minute while the apiserver cannot answer (it may be restarting);
 * an answer that refuses the request fails at once.
 */
export async function retrying<T>(what: string, call: () => Promise<T>, timeoutMs = 60000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const code = apiStatus(err)?.code;
      const refused = code !== undefined && code >= 400 && code < 500 && code !== 409 && code !== 429;
      if (refused || performance.now() > deadline) throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      await sleep(250);
    }
  }
}

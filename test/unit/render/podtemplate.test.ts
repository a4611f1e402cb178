import type { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { sortByPath } from '../../../src/render/podtemplate.js';
import { container, ignoredPaths, render, task } from './helpers.js';

describe('a whole pod template', () => {
  test('an app behind a proxy sidecar, on Fargate', () => {
    const spec: TaskDefinitionSpec = {
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1GB',
      taskRoleArn: 'arn:aws:iam::123456789012:role/web',
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      containerDefinitions: [
        {
          name: 'app',
          image: 'example/web:2',
          portMappings: [{ containerPort: 8080, name: 'http', appProtocol: 'http' }],
          dependsOn: [{ containerName: 'proxy', condition: 'HEALTHY' }],
          stopTimeout: 60,
        },
        {
          name: 'proxy',
          image: 'example/proxy:1',
          memoryReservation: 64,
          healthCheck: { command: ['CMD-SHELL', 'curl -sf localhost:9901/ready'], interval: 5, retries: 2 },
        },
      ],
    };
    const probe = (failureThreshold: number) => ({
      exec: { command: ['/bin/sh', '-c', 'curl -sf localhost:9901/ready'] },
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold,
    });
    expect(render(spec, { service: 'web', launchType: 'FARGATE' })).toEqual({
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': 'web',
            'app.kubernetes.io/managed-by': 'berth',
            'ecs.berth.dev/family': 'web',
            'ecs.berth.dev/revision': '3',
            'ecs.berth.dev/service': 'web',
            'ecs.berth.dev/launch-type': 'FARGATE',
          },
          annotations: { 'ecs.berth.dev/task-size': '512/1024' },
        },
        spec: {
          serviceAccountName: 'task-role-web',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          nodeSelector: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' },
          terminationGracePeriodSeconds: 60,
          resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
          initContainers: [
            {
              name: 'proxy',
              image: 'example/proxy:1',
              resources: { requests: { memory: '64Mi' } },
              startupProbe: probe(2),
              livenessProbe: probe(2),
              readinessProbe: probe(2),
              restartPolicy: 'Always',
            },
          ],
          containers: [{ name: 'app', image: 'example/web:2', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
        },
      },
      ignored: [],
    });
  });
});

describe('task-level settings', () => {
  test.each([
    ['pidMode task', { pidMode: 'task' }, { shareProcessNamespace: true }],
    ['pidMode host', { pidMode: 'host' }, { hostPID: true }],
    ['ipcMode host', { ipcMode: 'host' }, { hostIPC: true }],
    ['ipcMode task (a pod shares IPC anyway)', { ipcMode: 'task' }, {}],
    ['x86 Linux', { runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' } }, { nodeSelector: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux' } }],
    ['Windows', { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } }, { nodeSelector: { 'kubernetes.io/os': 'windows' } }],
  ] as const)('%s', (_, fields, expected) => {
    const spec = render(task(fields as Partial<TaskDefinitionSpec>)).template.spec;
    const keys = ['shareProcessNamespace', 'hostPID', 'hostIPC', 'nodeSelector'] as const;
    expect(Object.fromEntries(keys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]))).toEqual(expected);
  });

  test.each([
    ['none set: the Kubernetes default (30 s, as ECS)', [undefined, undefined], undefined],
    ['the longest stop timeout', [10, 90], 90],
    ['containers without one count as 30 s', [10, undefined], 30],
    ['a short one alone', [5], 5],
  ])('terminationGracePeriodSeconds: %s', (_, timeouts, expected) => {
    const defs = timeouts.map((stopTimeout, i) => container(`c${i}`, { stopTimeout }));
    expect(render(task({}, ...defs)).template.spec.terminationGracePeriodSeconds).toBe(expected);
  });

  test('fields without a Kubernetes equivalent are reported with their paths', () => {
    const out = render(
      task(
        {
          executionRoleArn: 'arn:aws:iam::1:role/exec',
          proxyConfiguration: { type: 'APPMESH', containerName: 'app' },
          inferenceAccelerators: [{ deviceName: 'd', deviceType: 'eia2.medium' }],
          enableFaultInjection: true,
          ipcMode: 'none',
        },
        container('app', {
          logConfiguration: { logDriver: 'awslogs' },
          firelensConfiguration: { type: 'fluentbit' },
          startTimeout: 120,
          credentialSpecs: ['credentialspec:arn:aws:ssm:::parameter/x'],
          versionConsistency: 'enabled',
        }),
      ),
    );
    expect(ignoredPaths(out)).toEqual([
      '$.containerDefinitions[0].credentialSpecs',
      '$.containerDefinitions[0].firelensConfiguration',
      '$.containerDefinitions[0].logConfiguration',
      '$.containerDefinitions[0].startTimeout',
      '$.containerDefinitions[0].versionConsistency',
      '$.enableFaultInjection',
      '$.executionRoleArn',
      '$.inferenceAccelerators',
      '$.ipcMode',
      '$.proxyConfiguration',
    ]);
    expect(out.ignored.every((f) => f.reason.length > 0)).toBe(true);
  });

  test('an empty executionRoleArn is not reported', () => {
    expect(ignoredPaths(render(task({ executionRoleArn: '' })))).toEqual([]);
  });

  test('the render is deterministic', () => {
    const spec = task({ cpu: 256, tags: [{ key: 'a', value: 'b' }] }, container('x', { secrets: [{ name: 'S', valueFrom: 'a:b' }] }));
    expect(JSON.stringify(render(spec))).toBe(JSON.stringify(render(structuredClone(spec))));
  });
});

describe('sortByPath', () => {
  test('indexes compare as numbers; equal paths keep their order', () => {
    const paths = ['$.volumes[0]', '$.containerDefinitions[10].user', '$.containerDefinitions[9].user', '$.containerDefinitions[9]', '$.cpu'];
    const sorted = sortByPath([...paths.map((path) => ({ path, reason: 'r' })), { path: '$.cpu', reason: 'second' }]);
    expect(sorted.map((f) => f.path)).toEqual([
      '$.containerDefinitions[9]',
      '$.containerDefinitions[9].user',
      '$.containerDefinitions[10].user',
      '$.cpu',
      '$.cpu',
      '$.volumes[0]',
    ]);
    expect(sorted.filter((f) => f.path === '$.cpu').map((f) => f.reason)).toEqual(['r', 'second']);
  });
});

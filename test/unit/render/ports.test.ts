import type { PortMapping } from '../../../src/api/container.js';
import { appProtocolOf, isPortName } from '../../../src/render/ports.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

function ports(networkMode: 'bridge' | 'host' | 'awsvpc' | undefined, portMappings: PortMapping[]) {
  return containerNamed(render(task({ networkMode }, container('app', { portMappings }))), 'app').ports;
}

describe('port mappings', () => {
  test.each<[string, 'bridge' | 'host' | 'awsvpc' | undefined, PortMapping, object]>([
    ['awsvpc: the container port only', 'awsvpc', { containerPort: 80, hostPort: 80 }, { containerPort: 80, protocol: 'TCP' }],
    ['bridge: an explicit host port', 'bridge', { containerPort: 80, hostPort: 8080 }, { containerPort: 80, hostPort: 8080, protocol: 'TCP' }],
    ['bridge: 0 is a dynamic port, so none', 'bridge', { containerPort: 80, hostPort: 0 }, { containerPort: 80, protocol: 'TCP' }],
    ['default mode is bridge', undefined, { containerPort: 80, hostPort: 8080 }, { containerPort: 80, hostPort: 8080, protocol: 'TCP' }],
    ['host: the host port is the container port', 'host', { containerPort: 8500 }, { containerPort: 8500, hostPort: 8500, protocol: 'TCP' }],
    ['udp', 'awsvpc', { containerPort: 2000, protocol: 'udp' }, { containerPort: 2000, protocol: 'UDP' }],
    ['a valid name is kept', 'awsvpc', { containerPort: 80, name: 'web' }, { name: 'web', containerPort: 80, protocol: 'TCP' }],
  ])('%s', (_, mode, mapping, expected) => {
    expect(ports(mode, [mapping])).toEqual([expected]);
  });

  test('host network mode sets hostNetwork', () => {
    expect(render(task({ networkMode: 'host' })).template.spec.hostNetwork).toBe(true);
    expect(render(task({ networkMode: 'awsvpc' })).template.spec.hostNetwork).toBeUndefined();
  });

  test('an invalid port name and port ranges are reported', () => {
    const out = render(task({ networkMode: 'awsvpc' }, container('app', { portMappings: [{ containerPort: 80, name: '80' }, { containerPortRange: '9000-9010' }] })));
    expect(containerNamed(out, 'app').ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].portMappings[0].name', '$.containerDefinitions[0].portMappings[1].containerPortRange']);
  });

  test.each([
    ['web', true],
    ['backend-flask', true],
    ['80', false],
    ['Web', false],
    ['a--b', false],
    ['a-very-long-port-name', false],
  ])('port name %s valid: %s', (name, valid) => {
    expect(isPortName(name)).toBe(valid);
  });

  test.each([
    ['http', 'http'],
    ['http2', 'kubernetes.io/h2c'],
    ['grpc', 'grpc'],
    [undefined, undefined],
  ] as const)('appProtocol %s → %s (for the Service)', (ecs, k8s) => {
    expect(appProtocolOf({ appProtocol: ecs })).toBe(k8s);
  });
});

import { describe, expect, test } from '@jest/globals';
import { parseArgs } from '../../../src/cli/args.js';
import { fargateSettings, parseAddress, parseService, WEBHOOK_SWITCHES, type RunEnvironment } from '../../../src/cli/run-webhook.js';

const outside: RunEnvironment = { inCluster: false };
const inside: RunEnvironment = { inCluster: true, podNamespace: 'platform' };
const settings = (argv: string[], env: RunEnvironment) => fargateSettings(parseArgs(argv, WEBHOOK_SWITCHES), env);

describe('berth run: FargateProfile and webhook options', () => {
  test('outside a cluster the webhook runs only when told where to listen; it registers by URL', () => {
    expect(settings([], outside)).toEqual({ namespace: 'berth-system', defaultRuntimeClassName: 'berth-isolated' });
    expect(settings(['--webhook-address', '127.0.0.1:0'], outside)).toEqual({
      namespace: 'berth-system',
      defaultRuntimeClassName: 'berth-isolated',
      webhook: { host: '127.0.0.1', port: 0, service: undefined },
    });
  });

  test('in a cluster it is on by default: 0.0.0.0:9443 behind <namespace>/berth-webhook', () => {
    expect(settings([], inside)).toEqual({
      namespace: 'platform',
      defaultRuntimeClassName: 'berth-isolated',
      webhook: { host: '0.0.0.0', port: 9443, service: { namespace: 'platform', name: 'berth-webhook', port: 443 } },
    });
    expect(settings(['--webhook-service', 'ops/hooks:8443', '--namespace', 'ops'], inside).webhook).toEqual({ host: '0.0.0.0', port: 9443, service: { namespace: 'ops', name: 'hooks', port: 8443 } });
  });

  test('--no-webhook and the other settings', () => {
    expect(settings(['--no-webhook', '--namespace', 'x', '--default-runtime-class', 'kata'], inside)).toEqual({ namespace: 'x', defaultRuntimeClassName: 'kata' });
  });

  test.each([
    [['--no-webhook', '--webhook-address', '127.0.0.1:1'], outside, 'does not go with'],
    [['--webhook-address', '0.0.0.0:9443'], outside, 'cannot be registered by URL'],
    [['--webhook-service', 'a/b'], outside, 'needs --webhook-address outside a cluster'],
    [['--webhook-address', 'localhost'], outside, 'must be HOST:PORT'],
    [['--webhook-address', '127.0.0.1:70000'], outside, 'must be HOST:PORT'],
    [['--webhook-service', 'just-a-name'], inside, 'NAMESPACE/NAME'],
  ] as const)('%j is refused', (argv, env, message) => {
    expect(() => settings([...argv], env)).toThrow(message);
  });

  test('addresses and services', () => {
    expect(parseAddress('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(parseAddress('webhook.local:443')).toEqual({ host: 'webhook.local', port: 443 });
    expect(() => parseAddress('[nope]:1')).toThrow('not an IPv6 address');
    expect(parseService('berth-system/berth-webhook')).toEqual({ namespace: 'berth-system', name: 'berth-webhook', port: 443 });
  });
});

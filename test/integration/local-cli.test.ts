import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readState } from '../../src/local/cluster.js';
import { isAlive } from '../../src/local/processes.js';
import { listeningSockets } from '../../src/local/sockets.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

async function berth(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [cli, ...args], { timeout: 180000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('berth local', () => {
  const name = `lifecycle-${process.pid}`;
  afterAll(() => berth('local', 'down', '--name', name));

  test('up is idempotent, env and status describe the cluster, down leaves nothing running', async () => {
    const first = await berth('local', 'up', '--name', name, '--ordinary', '1', '--isolated', '0');
    expect(first.stderr).toContain(`Cluster "${name}" is ready`);
    expect(first.code).toBe(0);
    const state = readState(name)!;
    const pids = state.processes.map((p) => p.pid);
    expect(state.processes.map((p) => p.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);

    const second = await berth('local', 'up', '--name', name);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Cluster "${name}" is already running.`);
    expect(readState(name)!.processes.map((p) => p.pid)).toEqual(pids);

    const env = await berth('local', 'env', '--name', name);
    expect(env.stdout).toContain(`export KUBECONFIG=${state.kubeconfig}`);
    expect(env.stdout).toContain(`export PATH=${state.binDir}:$PATH`);

    const status = await berth('local', 'status', '--name', name);
    expect(status.code).toBe(0);
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
      expect(status.stdout).toMatch(new RegExp(`^${component}\\s+\\d+\\s+127\\.0\\.0\\.1:\\d+.*running`, 'm'));
    }

    const stopped = await berth('local', 'down', '--name', name);
    expect(stopped.code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(listeningSockets(pids)).toEqual([]);
    expect(readState(name)).toBeUndefined();
    expect((await berth('local', 'status', '--name', name)).code).toBe(1);
  });

  test('unknown options and commands are refused with a message', async () => {
    const typo = await berth('local', 'up', '--nmae', 'x');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown option --nmae');
    const help = await berth('local', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: berth local');
  });
});

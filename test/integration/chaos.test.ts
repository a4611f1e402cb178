import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readState, restartComponent } from '../../src/local/cluster.js';
import { isAlive } from '../../src/local/processes.js';
import { kubectl, kubectlJson, newNamespace, testCluster } from './cluster.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

describe('restartComponent', () => {
  test('etcd and kube-apiserver come back on the same ports with the same data', async () => {
    const ns = await newNamespace('restart');
    await kubectl(['create', 'configmap', 'kept', '-n', ns, '--from-literal=answer=42']);
    const before = testCluster();
    const pid = (name: string, state = readState(before.name)!) => state.processes.find((p) => p.name === name)!.pid;

    for (const component of ['etcd', 'kube-apiserver'] as const) {
      const old = pid(component);
      const after = await restartComponent(before.name, component);
      expect(isAlive(old)).toBe(false);
      expect(isAlive(pid(component, after))).toBe(true);
      expect(after.ports).toEqual(before.ports);
      // Same kubeconfig, same address, same etcd data.
      const cm = await kubectlJson(['get', 'configmap', 'kept', '-n', ns]);
      expect(cm.data).toEqual({ answer: '42' });
    }
    expect(readState(before.name)!.processes.map((p) => p.name)).toEqual(before.processes.map((p) => p.name));
  });
});

describe('berth chaos', () => {
  test('kills the operator during two rollouts and finds the fleet converged, nothing orphaned or duplicated', async () => {
    const { stdout, stderr } = await run('node', [cli, 'chaos', '--scenarios', 'kill', '--rollouts', '2', '--services', '2', '--seed', '7'], { timeout: 280000 });
    // The table: one row, all counts zero, the run's kills and rollouts.
    const row = stdout.split('\n').find((l) => l.startsWith('| kill -9 the operator during rollouts |'));
    expect(row).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toMatch(/^[1-9]\d* kills$/);
    expect(cells[3]).toMatch(/^(\d+)\/\1 rollouts completed$/);
    expect(cells.slice(4, 7)).toEqual(['0', '0', '0']);
    expect(cells[10]).toBe('pass');
    expect(stderr).toContain('[chaos] PASS kill -9 the operator during rollouts');
    // Its cluster is gone with it.
    expect(stderr).toMatch(/\[chaos\] stopping cluster chaos-\d+/);
    expect(readState(/chaos-(\d+)/.exec(stderr)![0])).toBeUndefined();
  }, 300000);
});

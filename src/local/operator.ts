import { join } from 'node:path';
import { probe } from './http-probe.js';
import { projectRoot } from './paths.js';

/** The command line of `berth run` against a kubeconfig, serving its probes on 127.0.0.1:port. */
export function operatorCommand(kubeconfig: string, probePort: number, extraArgs: string[] = []): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [join(projectRoot(), 'dist', 'cli', 'main.js'), 'run', '--kubeconfig', kubeconfig, '--probe-address', `127.0.0.1:${probePort}`, ...extraArgs],
  };
}

/** Waits for the operator's /readyz; fails at once if the process has gone. */
export async function waitUntilReady(probePort: number, running: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await probe(`http://127.0.0.1:${probePort}/readyz`)).status !== 200) {
    if (!running()) throw new Error(`the operator exited before it was ready; ${what}`);
    if (Date.now() > deadline) throw new Error(`the operator was not ready after ${timeoutMs / 1000}s; ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

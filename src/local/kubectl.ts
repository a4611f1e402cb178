import { spawn } from 'node:child_process';

/** Runs kubectl against one kubeconfig and returns stdout; a non-zero exit throws with stderr. */
export function runKubectl(kubectl: string, kubeconfig: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolveRun(out);
      else reject(new Error(`kubectl ${args.join(' ')}: ${err.trim() || `exit ${code}`}`));
    });
    child.stdin.end(stdin ?? '');
  });
}

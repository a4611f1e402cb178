import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, projectRoot } from './paths.js';

export const BINARIES = [
  'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'helm',
] as const;
export type BinaryName = (typeof BINARIES)[number];
export type BinaryPaths = Record<BinaryName, string>;

const toolsDir = () => join(projectRoot(), 'tools', 'k8s');

/**
 * The cache key is a hash of the wrapper modules and the build script, so bumping a version in a
 * go.mod builds a new set next to the old one instead of reusing stale binaries.
 */
export function buildKey(): string {
  const hash = createHash('sha256');
  for (const module of readdirSync(toolsDir()).sort()) {
    const goMod = join(toolsDir(), module, 'go.mod');
    if (existsSync(goMod)) hash.update(`${module}\n${readFileSync(goMod, 'utf8')}\n`);
  }
  hash.update(readFileSync(join(toolsDir(), 'build.sh'), 'utf8'));
  return hash.digest('hex').slice(0, 12);
}

export function cachedBinDir(): string {
  return join(cacheRoot(), 'bin', buildKey());
}

/**
 * Finds every binary: KUBEBUILDER_ASSETS first (the envtest convention, which usually holds only
 * etcd, kube-apiserver and kubectl), then the build cache. Returns the names still missing.
 */
export function locateBinaries(): { found: Partial<BinaryPaths>; missing: BinaryName[] } {
  const dirs = [process.env.KUBEBUILDER_ASSETS, cachedBinDir()].filter((d): d is string => !!d);
  const found: Partial<BinaryPaths> = {};
  const missing: BinaryName[] = [];
  for (const name of BINARIES) {
    const dir = dirs.find((d) => existsSync(join(d, name)));
    if (dir) found[name] = join(dir, name);
    else missing.push(name);
  }
  return { found, missing };
}

export type Progress = (line: string) => void;

/** Returns the binaries, building the missing ones once with Go (the first time takes a while). */
export async function ensureBinaries(progress: Progress): Promise<BinaryPaths> {
  let { found, missing } = locateBinaries();
  if (missing.length === 0) return found as BinaryPaths;
  await buildIntoCache(progress, missing);
  ({ found, missing } = locateBinaries());
  if (missing.length > 0) throw new Error(`the build finished but ${missing.join(', ')} are missing from ${cachedBinDir()}`);
  return found as BinaryPaths;
}

async function buildIntoCache(progress: Progress, missing: BinaryName[]): Promise<void> {
  await requireGo();
  const finalDir = cachedBinDir();
  const lock = `${finalDir}.lock`;
  mkdirSync(join(cacheRoot(), 'bin'), { recursive: true });
  await takeLock(lock, progress);
  try {
    if (BINARIES.every((name) => existsSync(join(finalDir, name)))) return; // another process built them meanwhile
    const tempDir = `${finalDir}.partial`;
    rmSync(tempDir, { recursive: true, force: true });
    progress(`Building ${missing.join(', ')} from the Go module proxy into ${finalDir}.`);
    progress('This happens once per Kubernetes version and takes about 20 minutes on 2 cores; later runs reuse it.');
    await runBuild(tempDir, progress);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(tempDir, finalDir);
  } finally {
    rmSync(lock, { force: true });
  }
}

async function requireGo(): Promise<void> {
  const ok = await new Promise<boolean>((done) => {
    const child = spawn('go', ['version'], { stdio: 'ignore' });
    child.on('error', () => done(false));
    child.on('exit', (code) => done(code === 0));
  });
  if (!ok) {
    throw new Error(
      'Go is not installed, and the Kubernetes binaries are not built yet.\n' +
        '  Either install Go >= 1.26 (with access to the Go module proxy) and run the command again,\n' +
        `  or set KUBEBUILDER_ASSETS to a directory holding: ${BINARIES.join(', ')}.`,
    );
  }
}

/** A lock file holding the builder's pid; a lock whose owner died is taken over. */
async function takeLock(lock: string, progress: Progress): Promise<void> {
  let told = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (!owner || !isAlive(owner)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) progress(`Waiting for process ${owner}, which is building the same binaries.`);
      told = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs tools/k8s/build.sh. `go build -v` names every package it compiles; those lines are counted
 * and summarised every 30 seconds instead of printed, so long stretches still show progress.
 */
function runBuild(outDir: string, progress: Progress): Promise<void> {
  return new Promise((resolveBuild, reject) => {
    const started = Date.now();
    let packages = 0;
    let step = 'starting';
    const tail: string[] = [];
    const child = spawn('bash', [join(toolsDir(), 'build.sh'), outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const onLine = (line: string) => {
      if (line.startsWith('[berth]')) {
        step = line.replace(/^\[berth\]\s+\S+\s+/, '');
        progress(line.replace(/^\[berth\]\s+/, ''));
      } else if (line.trim()) {
        packages += 1;
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    const timer = setInterval(() => {
      const minutes = ((Date.now() - started) / 60000).toFixed(1);
      progress(`  ... ${minutes} min, ${packages} packages compiled (${step})`);
    }, 30000);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code === 0) resolveBuild();
      else reject(new Error(`building the Kubernetes binaries failed (exit ${code}); last output:\n${tail.join('\n')}`));
    });
  });
}

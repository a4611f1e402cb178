import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the Berth checkout (two levels above this file in both src/ and dist/). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Where built binaries and local clusters live: outside the repo, so a fresh clone reuses them. */
export function cacheRoot(): string {
  if (process.env.BERTH_CACHE_DIR) return resolve(process.env.BERTH_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'berth');
}

/** The work directory of a named local cluster. */
export function clusterDir(name: string): string {
  return join(cacheRoot(), 'clusters', name);
}

#!/usr/bin/env node
// Records every platform's optional native binary (swc, the jest resolver) in package-lock.json.
// `npm ci` refuses a lock that lacks them, and npm leaves out the binaries of other platforms when
// the registry it resolves against does not serve them. Entries carry the os/cpu that npm uses to
// skip them on this platform. Run after regenerating the lock: node tools/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platform = /-(darwin|linux|win32|freebsd|android|openharmony|wasm32)-([a-z0-9]+)/;
let added = 0;
for (const meta of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const match = platform.exec(name);
    lock.packages[key] = {
      version: version.replace(/^[\^~=]/, ''),
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...(match ? { cpu: [match[2]], os: [match[1]] } : {}),
    };
    added += 1;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${file}: recorded ${added} optional platform packages`);

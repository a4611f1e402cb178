import type { CommandIo } from '../../../src/cli/import.js';

/** A CommandIo over in-memory files ("-" is standard input) that records what is written. */
export interface MemoryIo extends CommandIo {
  stdout(): string;
  stderr(): string;
}

export function memoryIo(files: Record<string, string>): MemoryIo {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    read: async (path) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return files[path];
    },
    stdout: () => out,
    stderr: () => err,
  };
}

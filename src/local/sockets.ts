import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A TCP socket in LISTEN state owned by some process. */
export interface ListeningSocket {
  pid: number;
  address: string;
  port: number;
}

const LISTEN = '0A';

/** Decodes /proc/net/tcp{,6} addresses: little-endian hex words, then a hex port. */
export function decodeAddress(hex: string): { address: string; port: number } {
  const [ip, port] = hex.split(':');
  if (ip.length === 8) {
    const bytes = ip.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    return { address: bytes.join('.'), port: parseInt(port, 16) };
  }
  const words = ip.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  const address = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return { address: address === '0:0:0:0:0:ffff:7f00:1' ? '::ffff:127.0.0.1' : address, port: parseInt(port, 16) };
}

function listeningInodes(): Map<string, { address: string; port: number }> {
  const byInode = new Map<string, { address: string; port: number }>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = readOrUndefined(() => readFileSync(table, 'utf8'));
    if (text === undefined) continue;
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === LISTEN) byInode.set(cols[9], decodeAddress(cols[1]));
    }
  }
  return byInode;
}

/** The listening TCP sockets of the given processes (Linux /proc; empty elsewhere). */
export function listeningSockets(pids: number[]): ListeningSocket[] {
  const inodes = listeningInodes();
  const found: ListeningSocket[] = [];
  for (const pid of pids) {
    // A process may exit, or close a descriptor, while it is being read.
    const fds = readOrUndefined(() => readdirSync(`/proc/${pid}/fd`)) ?? [];
    for (const fd of fds) {
      const target = readOrUndefined(() => readlinkSync(`/proc/${pid}/fd/${fd}`)) ?? '';
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const socket = inode ? inodes.get(inode) : undefined;
      if (socket) found.push({ pid, ...socket });
    }
  }
  return found;
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
}

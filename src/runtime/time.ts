// Time formats the apiserver expects, abortable sleeps and an exponential backoff.

/**
 * metav1.MicroTime: RFC 3339 with exactly six fractional digits. The apiserver rejects the three
 * digits of Date#toISOString for Lease and events.k8s.io times.
 */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** metav1.Time: RFC 3339 to the second, as client-go writes it. */
export function apiTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with up to `jitter` extra fraction of randomness, as client-go's wait.Jitter. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly jitter = 0.2,
  ) {}

  next(): number {
    const base = Math.min(this.initialMs * 2 ** this.attempt, this.maxMs);
    this.attempt++;
    return base * (1 + Math.random() * this.jitter);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Waits for `promise` at most `ms`; true if it settled in time. The timer never outlives the wait. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    const settled = promise.then(
      () => true,
      () => true,
    );
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// A token bucket: the client-side limit on requests to the apiserver (client-go's flowcontrol).

/**
 * `qps` tokens per second refill a bucket of `burst`. `take()` waits for a token; waiters are
 * served in arrival order. A non-positive or infinite qps disables the limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = Math.max(1, burst);
    this.last = now();
  }

  get unlimited(): boolean {
    return !(this.qps > 0) || this.qps === Infinity;
  }

  /** Takes a token if one is there now. */
  tryTake(): boolean {
    if (this.unlimited) return true;
    this.refill();
    if (this.waiters.length > 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves when a token was taken. */
  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer) return;
    this.refill();
    const waitMs = Math.max(0, ((1 - this.tokens) / this.qps) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiters.shift()!();
      }
      if (this.waiters.length > 0) this.schedule();
    }, Math.ceil(waitMs));
  }
}

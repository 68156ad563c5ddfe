/** An op that did not finish in time: it may still be running, and may yet commit. */
export class OpTimeout extends Error {
  override name = 'OpTimeout';
}

/**
 * Ends an op that outlives its budget. One per worker: a single timer checks the running op's
 * deadline a few times per budget, so an op costs one promise, not a timer of its own (a timer
 * armed and cleared per op cost reproduce a tenth of its throughput).
 */
export class OpWatchdog {
  private deadline = Number.POSITIVE_INFINITY;
  private abandon: ((reason: OpTimeout) => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly budgetMs: number,
    private readonly scenario: string,
  ) {
    this.timer = setInterval(() => this.check(), Math.max(5, Math.min(1_000, budgetMs / 4)));
    this.timer.unref();
  }

  /** Settles as `work` does, or rejects with OpTimeout once the budget is spent. */
  guard<T>(work: Promise<T>): Promise<T> {
    this.deadline = performance.now() + this.budgetMs;
    return new Promise<T>((resolve, reject) => {
      this.abandon = reject;
      // One reaction on the op's promise, not a `.then().finally()` chain: this runs once per op.
      const settled = () => {
        // An abandoned op that settles later must not disarm the guard of the op after it.
        if (this.abandon !== reject) return false;
        this.abandon = undefined;
        this.deadline = Number.POSITIVE_INFINITY;
        return true;
      };
      work.then(
        (value) => {
          if (settled()) resolve(value);
        },
        (error: unknown) => {
          if (settled()) reject(error);
        },
      );
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if (this.abandon === undefined || performance.now() < this.deadline) return;
    // The abandoned op may still settle later, on a connection the run has given up: its
    // settlement goes to a promise nobody waits for any more.
    this.abandon(new OpTimeout(`${this.scenario}: op did not finish within ${this.budgetMs} ms (--op-timeout)`));
    this.abandon = undefined;
  }
}

/**
 * A gate a test closes to hold code at a hook (`await gate.pass()`), waits
 * for the code to reach it, then opens. Open by default, so a hook costs
 * nothing in the tests that do not use it. Every wait has a deadline.
 */
export class Gate {
  private opened: Promise<void> = Promise.resolve();
  private openGate: () => void = () => {};
  private arrivals: (() => void)[] = [];
  private waiting = 0;

  /** Called by the code under test at the hook. */
  async pass(): Promise<void> {
    this.waiting++;
    for (const arrived of this.arrivals.splice(0)) arrived();
    try {
      await this.opened;
    } finally {
      this.waiting--;
    }
  }

  close(): void {
    this.opened = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate();
    this.opened = Promise.resolve();
  }

  /** Resolves once some code waits at the gate (rejects after `timeoutMs`). */
  reached(timeoutMs = 10_000): Promise<void> {
    if (this.waiting > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing reached the gate within ${timeoutMs} ms`)), timeoutMs);
      this.arrivals.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Time as the cores see it. Cores never call Date.now(); a Clock is injected. */
export interface Clock {
  /** Milliseconds since the Unix epoch (wall clock, for timestamps). */
  nowMs(): number;
  /** Monotonic milliseconds (for timeouts and durations). */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock tests and simulators move by hand. */
export class ManualClock implements Clock {
  constructor(
    private wallMs = 1_700_000_000_000,
    private monoMs = 0,
  ) {}
  nowMs(): number {
    return this.wallMs;
  }
  monotonicMs(): number {
    return this.monoMs;
  }
  advance(ms: number): void {
    this.wallMs += ms;
    this.monoMs += ms;
  }
}

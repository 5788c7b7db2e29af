// The one place the core reads the wall clock. Everything below features/, model/ and trading/
// receives a Clock instead, so tests and replays can drive time.
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /**
   * Exchange ms per wall-clock ms: 1 for a real exchange, more for an accelerated simulator. Figures
   * a user reads as wall-clock time (the last-frame latency) are divided by it.
   */
  speed?(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

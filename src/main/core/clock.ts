// The one place the core reads the wall clock. Everything below features/, model/ and trading/
// receives a Clock instead, so tests and replays can drive time.
export interface Clock {
  /** Epoch ms. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

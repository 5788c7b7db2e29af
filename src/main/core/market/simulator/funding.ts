// Synthetic funding of the simulated exchange: a rate per symbol at every funding time (multiples of
// the funding interval since the epoch, so 00:00, 08:00 and 16:00 UTC for 8 hours) from the launch
// on. The rate is a pure function of (seed, symbol, funding time), so any page of history is the same
// whenever it is asked for, and it changes over time as real rates do: a positive base (longs usually
// pay, about 0.01% per 8 h), a slow swing of a few weeks that turns it negative at times, and noise,
// clipped to Bybit's default bounds of ±0.5%.
import { hashSeed, mulberry32 } from './prng';

export const FUNDING_INTERVAL_MINUTES = 480;
export const FUNDING_RATE_BOUND = 0.005;
const FUNDING_MS = FUNDING_INTERVAL_MINUTES * 60_000;
const SWING_PERIOD_MS = 21 * 86_400_000;

export interface FundingSchedule {
  /** First funding time at or after `from`. */
  firstAtOrAfter(from: number): number;
  /** Last funding time at or before `to`. */
  lastAtOrBefore(to: number): number;
  /** Funding interval, ms. */
  readonly intervalMs: number;
  rate(symbol: string, fundingTime: number): number;
}

export function fundingSchedule(seed: number, intervalMs = FUNDING_MS): FundingSchedule {
  const phase = (symbol: string): number =>
    mulberry32(hashSeed(seed, symbol, 'funding-phase'))() * 2 * Math.PI;
  const phases = new Map<string, number>();
  return {
    intervalMs,
    firstAtOrAfter: (from) => Math.ceil(from / intervalMs) * intervalMs,
    lastAtOrBefore: (to) => Math.floor(to / intervalMs) * intervalMs,
    rate(symbol, fundingTime) {
      let p = phases.get(symbol);
      if (p === undefined) phases.set(symbol, (p = phase(symbol)));
      const noise = mulberry32(hashSeed(seed, symbol, fundingTime))() - 0.5;
      const swing = Math.sin((2 * Math.PI * fundingTime) / SWING_PERIOD_MS + p);
      const raw = 0.0001 + 0.00025 * swing + 0.0001 * noise;
      const clipped = Math.max(-FUNDING_RATE_BOUND, Math.min(FUNDING_RATE_BOUND, raw));
      // Bybit quotes funding rates with 8 decimals (e.g. "0.00010000" shown as "0.0001").
      return Number(clipped.toFixed(8));
    },
  };
}

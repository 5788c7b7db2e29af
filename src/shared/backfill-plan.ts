// How much one backfill may ask for, checked before any work starts: at most 20 distinct symbols, and at most 10 million bars in all (twelve copies of one symbol once planned
// 359M bars and held the host for 20 s). One rule for the contract's schema and the market service.
import { intervalMs, type Interval } from './domain';

export const MAX_BACKFILL_SYMBOLS = 20;
export const MAX_BACKFILL_BARS = 10_000_000;

export interface BackfillPlan {
  symbols: string[];
  interval: Interval;
  from: number;
  to: number;
}

/** Bars the plan asks for, over its distinct symbols. */
export function plannedBars(plan: BackfillPlan): number {
  const perSymbol = Math.floor((plan.to - plan.from) / intervalMs(plan.interval)) + 1;
  return new Set(plan.symbols).size * Math.max(0, perSymbol);
}

/** Why the plan is refused (and which field to point at), or null when it may run. */
export function backfillPlanProblem(
  plan: BackfillPlan,
): { field: 'symbols' | 'from'; message: string } | null {
  // A symbol named twice is fetched once (the market service deduplicates before it plans).
  const distinct = new Set(plan.symbols);
  if (distinct.size > MAX_BACKFILL_SYMBOLS)
    return {
      field: 'symbols',
      message: `at most ${MAX_BACKFILL_SYMBOLS} symbols per backfill, not ${distinct.size}`,
    };
  const bars = plannedBars(plan);
  if (bars > MAX_BACKFILL_BARS) {
    return {
      field: 'from',
      message:
        `the range plans ${bars.toLocaleString('en-US')} bars (${distinct.size} symbols); at most ` +
        `${MAX_BACKFILL_BARS.toLocaleString('en-US')} per backfill: shorten the range or split it`,
    };
  }
  return null;
}

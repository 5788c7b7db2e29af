// Metrics across several runs of the same backtest with different model seeds, as Qlib's benchmark
// tables report them: every numeric metric as mean ± sample standard deviation across seeds. A metric
// that is null in some runs (e.g. an undefined Sharpe) is averaged over the runs that define it; the
// count says how many did.
import type { BacktestSummary } from '../../../shared/contract/backtest';

export interface SeedStat {
  mean: number;
  /** Sample standard deviation across seeds (0 for a single seed). */
  std: number;
  /** Seeds that defined the metric. */
  n: number;
}

/** The shape of a metrics object with every number replaced by its SeedStat (null: defined by none). */
export type SeedSummary = { [key: string]: SeedStat | SeedSummary | string | null };

export function seedStat(values: readonly number[]): SeedStat | null {
  const defined = values.filter(Number.isFinite);
  const n = defined.length;
  if (n === 0) return null;
  const mean = defined.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(defined.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Mean ± std of each numeric leaf over objects of the same shape; strings kept when all runs agree. */
export function summariseSeeds(objects: readonly unknown[]): SeedSummary {
  const out: SeedSummary = {};
  const keys = new Set<string>();
  for (const o of objects) if (o && typeof o === 'object') Object.keys(o).forEach((k) => keys.add(k));
  for (const key of keys) {
    const values = objects.map((o) =>
      o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined,
    );
    const present = values.filter((v) => v !== undefined && v !== null);
    if (present.length === 0) out[key] = null;
    else if (present.every((v) => typeof v === 'number')) out[key] = seedStat(present as number[]);
    else if (present.every((v) => typeof v === 'string'))
      out[key] = new Set(present).size === 1 ? (present[0] as string) : [...new Set(present)].join(' | ');
    else if (present.every((v) => typeof v === 'object')) out[key] = summariseSeeds(present);
  }
  return out;
}

export interface SeedReport {
  /** The model seed of each run, in order; empty for a single run that varied no seed. */
  seeds: number[];
  runIds: string[];
  /** Whether funding history covered every symbol of every run (false: fundingPaid is not a figure). */
  fundingModelled: boolean;
  /** The runs' plain notes (e.g. "funding not modelled: …"), each once. */
  notes: string[];
  /** Per strategy (the one under test and each baseline): its role and every metric as mean ± std. */
  strategies: Array<{ strategy: string; role: 'strategy' | 'baseline'; metrics: SeedSummary }>;
}

/** Combines the runs (one per seed, same range and settings) strategy by strategy. */
export function seedReport(seeds: readonly number[], runs: readonly BacktestSummary[]): SeedReport {
  const names = runs[0]?.metrics.map((m) => ({ strategy: m.strategy, role: m.role })) ?? [];
  return {
    seeds: [...seeds],
    runIds: runs.map((r) => r.id),
    fundingModelled:
      runs.length > 0 &&
      runs.every(
        (r) => r.marketRules !== undefined && Object.values(r.marketRules.fundingModelled).every(Boolean),
      ),
    notes: [...new Set(runs.flatMap((r) => r.marketRules?.notes ?? []))],
    strategies: names.map(({ strategy, role }) => ({
      strategy,
      role,
      metrics: summariseSeeds(
        runs.map((r) => {
          const m = r.metrics.find((x) => x.strategy === strategy)?.metrics;
          // Fee drag per year, the figure the cost rules are judged by.
          return m && { ...m, feesFractionPerYear: m.years > 0 ? m.feesFraction / m.years : null };
        }),
      ),
    })),
  };
}

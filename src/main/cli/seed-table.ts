// The text table of a backtest report: one row per strategy, the net Sharpe with its 95% bootstrap
// interval and its edge over the best baseline, and funding said to be not modelled when the run had
// none. For several seeds (backtest --seeds, evaluate) every figure is mean ± std across seeds and the
// interval is the means of its bounds; for one run (backtest) the figures are that run's.
import type { SeedReport, SeedStat, SeedSummary } from '../core/trading/seed-summary';

function stat(summary: SeedSummary, path: string): SeedStat | null {
  let node: unknown = summary;
  for (const key of path.split('.'))
    node = node && typeof node === 'object' ? (node as SeedSummary)[key] : null;
  return node && typeof node === 'object' && 'mean' in node ? (node as SeedStat) : null;
}

function pm(s: SeedStat | null, scale: number, digits: number, unit: string, seeds: number): string {
  if (!s) return '-';
  const mean = (s.mean * scale).toFixed(digits);
  return seeds > 1 ? `${mean} ± ${(s.std * scale).toFixed(digits)}${unit}` : `${mean}${unit}`;
}

function bounds(low: SeedStat | null, high: SeedStat | null, digits = 2): string {
  return low && high ? `[${low.mean.toFixed(digits)}, ${high.mean.toFixed(digits)}]` : '-';
}

/** A report without seeds (seedReport([], [run])) is one run's: no seed line. */
export function seedTable(report: SeedReport): string {
  const k = report.seeds.length;
  const header = [
    'strategy',
    'net Sharpe',
    '95% CI',
    'Δ vs best',
    'Δ 95% CI',
    'return',
    'max DD',
    'turnover/yr',
    'fees/yr',
    'funding',
    'IC',
    'rank IC',
    'rank ICIR',
  ];
  const rows = report.strategies.map(({ strategy, role, metrics: m }) => {
    const funding = stat(m, 'fundingFraction');
    return [
      role === 'strategy' ? `* ${strategy}` : `  ${strategy}`,
      pm(stat(m, 'sharpe'), 1, 2, '', k),
      bounds(stat(m, 'sharpeInterval.low'), stat(m, 'sharpeInterval.high')),
      pm(stat(m, 'sharpeVsBestBaseline.difference'), 1, 2, '', k),
      bounds(stat(m, 'sharpeVsBestBaseline.low'), stat(m, 'sharpeVsBestBaseline.high')),
      pm(stat(m, 'totalReturn'), 100, 1, '%', k),
      pm(stat(m, 'maxDrawdown'), 100, 1, '%', k),
      pm(stat(m, 'annualTurnover'), 1, 1, '×', k),
      pm(stat(m, 'feesFractionPerYear'), 100, 2, '%', k),
      report.fundingModelled && funding ? pm(funding, 100, 2, '%', k) : 'not modelled',
      pm(stat(m, 'forecast.ic.mean'), 1, 4, '', k),
      pm(stat(m, 'forecast.rankIc.mean'), 1, 4, '', k),
      pm(stat(m, 'forecast.rankIc.icir'), 1, 3, '', k),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
  const notes: string[] = [
    ...(k > 0
      ? [
          `${k} seed${k === 1 ? '' : 's'} (${report.seeds.join(', ')}); figures are mean ± std across seeds` +
            (k === 1 ? ' (one seed: no spread)' : ''),
        ]
      : []),
    "95% CI: stationary block bootstrap of bar returns (1,000 resamples, mean block one day); Δ: Sharpe minus the best baseline's, paired",
    'fees/yr: fees paid as a share of initial capital per year; turnover/yr: traded notional / mean equity per year',
  ];
  if (!report.fundingModelled)
    notes.push('funding: fundingPaid is not a figure for these runs (see the notes)');
  notes.push(...report.notes.map((n) => `note: ${n}`));
  return `${lines.join('\n')}\n${notes.map((n) => `  ${n}`).join('\n')}\n`;
}

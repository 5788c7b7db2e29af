// CSV export of a stored backtest, one table at a time. RFC 4180 quoting; times as ISO UTC and epoch ms;
// numbers printed in full precision.
import type { FillDto, FundingPaymentDto } from '../../../shared/contract/backtest';
import type { StoredBacktest } from '../store/backtests.repo';

export type CsvTable = 'metrics' | 'equity' | 'weights' | 'fills' | 'funding' | 'folds';

const METRIC_COLUMNS = [
  'bars',
  'years',
  'totalReturn',
  'cagr',
  'volatility',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'maxDrawdownBars',
  'maxDrawdownMs',
  'winRate',
  'turnover',
  'annualTurnover',
  'feesPaid',
  'feesFraction',
  'fundingPaid',
  'fundingFraction',
  'exposure',
  'timeInMarket',
] as const;

export function backtestCsv(
  run: StoredBacktest,
  table: CsvTable,
  fills: ReadonlyArray<FillDto & { strategy: string }> = [],
  funding: ReadonlyArray<FundingPaymentDto & { strategy: string }> = [],
): string {
  const rows: unknown[][] = [];
  switch (table) {
    case 'metrics': {
      const forecast = ['hitRate', 'informationCoefficient', 'pooledInformationCoefficient'];
      rows.push([
        'strategy',
        'role',
        ...METRIC_COLUMNS,
        ...forecast,
        ...run.symbols.map((s) => `contribution_${s}`),
      ]);
      for (const r of run.runs) {
        const m = r.metrics as Record<string, unknown> & {
          contribution?: Record<string, number>;
          forecast?: Record<string, unknown>;
        };
        rows.push([
          r.strategy,
          r.role,
          ...METRIC_COLUMNS.map((c) => m[c]),
          ...forecast.map((c) => m.forecast?.[c]),
          ...run.symbols.map((s) => m.contribution?.[s]),
        ]);
      }
      break;
    }
    case 'equity': {
      rows.push(['time', 'time_ms', ...run.runs.map((r) => r.strategy)]);
      run.times.forEach((t, k) => rows.push([iso(t), t, ...run.runs.map((r) => r.equity[k])]));
      break;
    }
    case 'weights': {
      const n = run.symbols.length;
      rows.push(['time', 'time_ms', 'strategy', ...run.symbols]);
      for (const r of run.runs) {
        run.times.forEach((t, k) =>
          rows.push([iso(t), t, r.strategy, ...Array.from(r.weights.subarray(k * n, k * n + n))]),
        );
      }
      break;
    }
    case 'fills': {
      rows.push([
        'strategy',
        'time',
        'time_ms',
        'decided_at_ms',
        'symbol',
        'side',
        'quantity',
        'price',
        'notional',
        'fee',
        'slippage_bps',
        'realised_pnl',
        'reason',
      ]);
      for (const f of fills) {
        rows.push([
          f.strategy,
          iso(f.time),
          f.time,
          f.decidedAt,
          f.symbol,
          f.side,
          f.quantity,
          f.price,
          f.notional,
          f.fee,
          f.slippageBps,
          f.realisedPnl,
          f.reason,
        ]);
      }
      break;
    }
    case 'funding': {
      rows.push([
        'strategy',
        'time',
        'time_ms',
        'symbol',
        'quantity',
        'price',
        'position_value',
        'rate',
        'payment',
      ]);
      for (const f of funding) {
        rows.push([
          f.strategy,
          iso(f.time),
          f.time,
          f.symbol,
          f.quantity,
          f.price,
          f.positionValue,
          f.rate,
          f.payment,
        ]);
      }
      break;
    }
    case 'folds': {
      rows.push(['fold', 'train_from', 'train_to', 'test_from', 'test_to', 'model_id']);
      for (const f of run.folds)
        rows.push([f.index, iso(f.trainFrom), iso(f.trainTo), iso(f.testFrom), iso(f.testTo), f.modelId]);
      break;
    }
  }
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

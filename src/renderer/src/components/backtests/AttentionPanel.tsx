// Cross-asset attention over a model run: how much each follower's query attended to the leader (the
// asset the others attend to most) at every decision, and the mean query × key matrix of one fold.
import { useMemo, useState } from 'react';
import type { BacktestDetail } from '../../../../shared/contract/backtest';
import type { ChartSeries } from '../../chart/series-data';
import { formatDate, formatNumber } from '../../format';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { assetColor } from './series';

type Attention = NonNullable<BacktestDetail['attention']>;

export function AttentionPanel({ run }: { run: BacktestDetail }) {
  const attention = run.attention;
  if (!attention || attention.times.length === 0) {
    return (
      <div className="view-message" data-testid="backtest-attention-none">
        This run stored no attention: only the attention model strategy has it.
      </div>
    );
  }
  return <AttentionOverTime run={run} attention={attention} />;
}

function AttentionOverTime({ run, attention }: { run: BacktestDetail; attention: Attention }) {
  const symbols = run.symbols;
  const [fold, setFold] = useState(-1);
  const overall = useMemo(() => meanMatrix(attention.matrices), [attention]);
  const leader = useMemo(() => leaderOf(overall), [overall]);

  const series = useMemo<ChartSeries[]>(
    () =>
      symbols
        .map((symbol, q) => ({ symbol, q }))
        .filter(({ q }) => q !== leader)
        .map(({ symbol, q }) => ({
          name: `${symbol} → ${symbols[leader]}`,
          color: assetColor(q),
          points: attention.times.map((t, d) => ({ x: t, y: attention.matrices[d]?.[q]?.[leader] ?? NaN })),
        })),
    [attention, symbols, leader],
  );

  const matrix = useMemo(() => {
    if (fold < 0) return overall;
    const f = run.foldList[fold];
    if (!f) return overall;
    const inFold = attention.matrices.filter((_, d) => {
      const t = attention.times[d]!;
      return t >= f.testFrom && t <= f.testTo;
    });
    return inFold.length > 0 ? meanMatrix(inFold) : overall;
  }, [fold, overall, attention, run.foldList]);

  return (
    <div className="bt-attention" data-testid="backtest-attention">
      <TimeSeriesChart
        series={series}
        height={150}
        testId="backtest-attention-chart"
        formatValue={(y) => formatNumber(y, 2)}
        includeZero
      />
      <div className="bt-attention__matrix">
        <label className="bt-attention__fold">
          Mean attention of
          <select className="bt-input" value={fold} onChange={(e) => setFold(Number(e.target.value))}>
            <option value={-1}>every fold</option>
            {run.foldList.map((f) => (
              <option key={f.index} value={f.index}>
                fold {f.index + 1} ({formatDate(f.testFrom)} → {formatDate(f.testTo)})
              </option>
            ))}
          </select>
        </label>
        <table className="bt-heatmap" data-testid="backtest-attention-heatmap">
          <thead>
            <tr>
              <th>query ↓ key →</th>
              {symbols.map((s) => (
                <th key={s}>{s}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {symbols.map((q, i) => (
              <tr key={q}>
                <th scope="row">{q}</th>
                {symbols.map((k, j) => {
                  const w = matrix[i]?.[j] ?? 0;
                  return (
                    <td key={k} style={{ backgroundColor: heat(w) }}>
                      {formatNumber(w, 2)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function meanMatrix(matrices: readonly (readonly (readonly number[])[])[]): number[][] {
  const n = matrices[0]?.length ?? 0;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const m of matrices) m.forEach((row, q) => row.forEach((w, k) => (out[q]![k]! += w)));
  return out.map((row) => row.map((w) => w / (matrices.length || 1)));
}

/** The key the other assets attend to most, on average. */
function leaderOf(matrix: number[][]): number {
  let best = 0;
  let bestScore = -Infinity;
  matrix.forEach((_, k) => {
    const score = matrix.reduce((s, row, q) => (q === k ? s : s + (row[k] ?? 0)), 0);
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  });
  return best;
}

/** The accent colour, more opaque for more attention (weights are shares of 1). */
function heat(weight: number): string {
  const alpha = Math.max(0.04, Math.min(0.85, weight));
  return `rgba(76, 154, 255, ${alpha.toFixed(2)})`;
}

// The fills of one strategy of a stored run, a page at a time, newest first. Loaded only when shown:
// a long run holds thousands of them.
import { useState } from 'react';
import { useBacktestFills } from '../../api/backtests';
import { FillCells, FillHeadCells, type FillFormat } from '../fills/FillCells';
import { FundingLedger } from '../funding/FundingLedger';
import { formatAmount, formatCount, formatNumber, formatSignedAmount, signClass } from '../../format';

const PAGE_SIZE = 50;

const RUN_FILL: FillFormat = { numeric: 'is-numeric', timeClass: 'bt-mono' };

export interface FillsTableProps {
  runId: string;
  strategies: readonly string[];
  fillCounts: Record<string, number>;
  /** The run's notes on funding, e.g. "funding not modelled: …", shown when there are no payments. */
  fundingNotes?: readonly string[];
}

export function FillsTable({ runId, strategies, fillCounts, fundingNotes = [] }: FillsTableProps) {
  const [strategy, setStrategy] = useState(strategies[0] ?? '');
  const [page, setPage] = useState(0);
  const { data, error, loading } = useBacktestFills(runId, strategy);
  const fills = (data?.fills ?? []).slice().reverse();
  const pages = Math.max(1, Math.ceil(fills.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = fills.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <div className="bt-fills" data-testid="backtest-fills" data-count={fills.length}>
      <div className="bt-fills__bar">
        <select
          className="bt-input"
          aria-label="Fills of"
          value={strategy}
          onChange={(e) => {
            setStrategy(e.target.value);
            setPage(0);
          }}
        >
          {strategies.map((s) => (
            <option key={s} value={s}>
              {s} ({formatCount(fillCounts[s] ?? 0)})
            </option>
          ))}
        </select>
        <span className="bt-fills__pager">
          <button
            type="button"
            className="bt-button"
            disabled={current === 0}
            onClick={() => setPage(current - 1)}
          >
            ‹
          </button>
          <span className="bt-mono">
            {fills.length === 0 ? '0' : `${current * PAGE_SIZE + 1}–${current * PAGE_SIZE + shown.length}`} of{' '}
            {formatCount(fills.length)}
          </span>
          <button
            type="button"
            className="bt-button"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            ›
          </button>
        </span>
      </div>
      {error ? (
        <div className="view-message">Cannot load the fills: {error.message}</div>
      ) : loading && !data ? (
        <div className="view-message">Loading fills…</div>
      ) : fills.length === 0 ? (
        <div className="view-message">No fills: this strategy never traded.</div>
      ) : (
        <div className="bt-table-wrap bt-fills__scroll">
          <table className="bt-table">
            <thead>
              <tr>
                <FillHeadCells format={RUN_FILL} timeLabel="Filled" />
                <th className="is-numeric">Notional (USDT)</th>
                <th className="is-numeric">Fee (USDT)</th>
                <th className="is-numeric">Slip (bps)</th>
                <th className="is-numeric">Realised (USDT)</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((f, i) => (
                <tr key={`${f.time}-${f.symbol}-${i}`}>
                  <FillCells fill={f} format={RUN_FILL} />
                  <td className="is-numeric">{formatAmount(f.notional)}</td>
                  <td className="is-numeric">{formatAmount(f.fee)}</td>
                  <td className="is-numeric">{formatNumber(f.slippageBps, 1)}</td>
                  <td className={`is-numeric ${signClass(f.realisedPnl)}`}>
                    {formatSignedAmount(f.realisedPnl)}
                  </td>
                  <td>{f.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data ? (
        <FundingLedger
          payments={data.funding ?? []}
          emptyText={fundingNotes.find((n) => n.startsWith('funding')) ?? undefined}
          testId="backtest-funding"
        />
      ) : null}
    </div>
  );
}

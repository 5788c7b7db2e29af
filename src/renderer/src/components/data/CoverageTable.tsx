// Stored series of every feed: first and last confirmed candle, how many bars, and the bars missing
// between first and last (with where, when the core could list the runs cheaply).
import type { SeriesCoverage } from '../../../../shared/contract';
import { formatCount, formatInterval, formatUtcMinute } from '../../format';

function seriesOrder(a: SeriesCoverage, b: SeriesCoverage): number {
  return (
    a.feed.localeCompare(b.feed) || a.symbol.localeCompare(b.symbol) || a.interval.localeCompare(b.interval)
  );
}

function GapCell({ series }: { series: SeriesCoverage }) {
  if (series.gaps === 0) return <span className="coverage__gapless">0</span>;
  const ranges = series.gapRanges ?? [];
  const listed = ranges.reduce((n, r) => n + r.bars, 0);
  return (
    <details className="coverage__gaps">
      <summary className="coverage__gap-count">{formatCount(series.gaps)}</summary>
      {ranges.length > 0 ? (
        <ul data-testid="coverage-gap-ranges">
          {ranges.map((range) => (
            <li key={range.from}>
              {range.from === range.to
                ? formatUtcMinute(range.from)
                : `${formatUtcMinute(range.from)} → ${formatUtcMinute(range.to)}`}
              <span className="coverage__gap-bars">
                {range.bars} bar{range.bars > 1 ? 's' : ''}
              </span>
            </li>
          ))}
          {listed < series.gaps && (
            <li className="coverage__gap-more">…and {series.gaps - listed} more bars</li>
          )}
        </ul>
      ) : (
        <p className="coverage__gap-more">The series is too long to list its gaps here.</p>
      )}
    </details>
  );
}

export function CoverageTable({
  stored,
  configuredFeed,
  loading,
}: {
  stored: readonly SeriesCoverage[];
  /** The feed the settings stream from: its rows are marked. */
  configuredFeed: string;
  loading: boolean;
}) {
  const rows = [...stored].sort(seriesOrder);
  return (
    <div className="coverage" data-testid="coverage-table">
      <table className="data-table">
        <thead>
          <tr>
            <th>Feed</th>
            <th>Symbol</th>
            <th>Interval</th>
            <th className="is-number">First candle (UTC)</th>
            <th className="is-number">Last candle (UTC)</th>
            <th className="is-number">Bars</th>
            <th className="is-number">Gaps</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((series) => (
            <tr
              key={`${series.feed}/${series.symbol}/${series.interval}`}
              data-testid="coverage-row"
              data-feed={series.feed}
              data-symbol={series.symbol}
              data-interval={series.interval}
            >
              <td>
                {series.feed}
                {series.feed === configuredFeed && <span className="coverage__live-tag">streaming feed</span>}
              </td>
              <td className="coverage__symbol">{series.symbol}</td>
              <td>{formatInterval(series.interval)}</td>
              <td className="is-number">{series.first === null ? '—' : formatUtcMinute(series.first)}</td>
              <td className="is-number">{series.last === null ? '—' : formatUtcMinute(series.last)}</td>
              <td className="is-number" data-testid="coverage-count" data-count={series.count}>
                {formatCount(series.count)}
              </td>
              <td
                className={`is-number${series.gaps > 0 ? ' has-gaps' : ''}`}
                data-testid="coverage-gaps"
                data-gaps={series.gaps}
              >
                <GapCell series={series} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && (
        <div className="coverage__empty">{loading ? 'Reading the store…' : 'No candles stored yet.'}</div>
      )}
    </div>
  );
}

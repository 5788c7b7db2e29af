// Every symbol's candles at once: one live candle chart per symbol in a grid, for a trader who watches
// the whole book move (a leader's bar and its followers' next bars side by side). A chart's title
// focuses that symbol in the single-chart layout.
import type { Interval } from '../../../../shared/domain';
import { CandleChart } from '../CandleChart';

interface Props {
  feed: string;
  interval: Interval;
  symbols: readonly string[];
  onFocus: (symbol: string) => void;
}

export function ChartGrid({ feed, interval, symbols, onFocus }: Props) {
  // Columns for a near-square grid: 2 for up to 4 symbols, 3 for up to 9, then 4.
  const columns = symbols.length <= 1 ? 1 : symbols.length <= 4 ? 2 : symbols.length <= 9 ? 3 : 4;
  return (
    <div
      className="chart-grid"
      data-testid="chart-grid"
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
    >
      {symbols.map((symbol) => (
        <section key={symbol} className="chart-grid__cell">
          <button
            type="button"
            className="chart-grid__title"
            title={`Show ${symbol} alone`}
            onClick={() => onFocus(symbol)}
          >
            {symbol}
          </button>
          <CandleChart
            key={`${feed}/${symbol}/${interval}`}
            feed={feed}
            symbol={symbol}
            interval={interval}
            compact
          />
        </section>
      ))}
    </div>
  );
}

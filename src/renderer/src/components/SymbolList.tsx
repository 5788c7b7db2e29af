// The watch list: the configured symbols (plus any other stored series of the feed) with their last
// price from the live stream. Clicking one chooses the chart's symbol.
import { useState } from 'react';
import type { Interval } from '../../../shared/domain';
import { useEvent } from '../api/hooks';
import { pricePrecision } from '../chart/candle-book';
import { formatChange } from '../format';

interface Props {
  feed: string;
  interval: Interval;
  symbols: readonly string[];
  selected: string | null;
  onSelect: (symbol: string) => void;
}

interface Quote {
  close: number;
  open: number;
}

export function SymbolList({ feed, interval, symbols, selected, onSelect }: Props) {
  const [quotes, setQuotes] = useState<Record<string, Quote>>({});
  useEvent('market.candle', (event) => {
    if (event.feed !== feed || event.interval !== interval) return;
    setQuotes((q) => ({ ...q, [event.symbol]: { close: event.candle.close, open: event.candle.open } }));
  });
  return (
    <nav className="symbol-list" data-testid="symbol-list" aria-label="Symbols">
      <div className="panel-title">Symbols</div>
      {symbols.length === 0 && <div className="symbol-list__empty">No symbols configured.</div>}
      <ul>
        {symbols.map((symbol) => {
          const quote = quotes[symbol];
          return (
            <li key={symbol}>
              <button
                type="button"
                className={`symbol-list__item${symbol === selected ? ' is-selected' : ''}`}
                aria-pressed={symbol === selected}
                data-symbol={symbol}
                onClick={() => onSelect(symbol)}
              >
                <span className="symbol-list__name">{symbol}</span>
                <span className="symbol-list__price">
                  {quote ? quote.close.toFixed(pricePrecision(quote.close)) : '—'}
                </span>
                <span
                  title="change since the current bar opened"
                  className={`symbol-list__change${quote && quote.close < quote.open ? ' is-down' : ' is-up'}`}
                >
                  {quote ? formatChange(quote.open, quote.close) : '\u00a0'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

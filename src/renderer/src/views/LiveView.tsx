// Live: the watch list beside one live candle chart of the chosen symbol.
import { useState } from 'react';
import type { MarketStatus } from '../../../shared/domain';
import { useMarketSymbols } from '../api/market';
import { CandleChart } from '../components/CandleChart';
import { SymbolList } from '../components/SymbolList';
import { formatInterval } from '../format';

export function LiveView({ status }: { status: MarketStatus | undefined }) {
  const symbols = useMarketSymbols(status);
  const [chosen, setChosen] = useState<string | null>(null);
  const info = symbols.data;
  if (!info) {
    return (
      <div className="view-message">
        {symbols.error ? `Cannot list symbols: ${symbols.error.message}` : 'Loading symbols…'}
      </div>
    );
  }
  const stored = info.stored.filter((s) => s.interval === info.interval).map((s) => s.symbol);
  const all = [...new Set([...info.configured, ...stored])];
  const symbol = chosen && all.includes(chosen) ? chosen : (all[0] ?? null);

  return (
    <div className="live-view">
      <SymbolList
        key={`${info.feed}/${info.interval}`}
        feed={info.feed}
        interval={info.interval}
        symbols={all}
        selected={symbol}
        onSelect={setChosen}
      />
      <section className="live-view__chart">
        <div className="chart-title">
          <span className="chart-title__symbol">{symbol ?? 'No symbol'}</span>
          <span className="chart-title__meta">
            {formatInterval(info.interval)} · {info.feed}
          </span>
          {status?.connection === 'idle' && <span className="chart-title__hint">stream stopped</span>}
        </div>
        {symbol && (
          <CandleChart
            key={`${info.feed}/${symbol}/${info.interval}`}
            feed={info.feed}
            symbol={symbol}
            interval={info.interval}
          />
        )}
      </section>
    </div>
  );
}

// The watch strip: one tile per symbol (the configured ones plus any other stored series of the feed)
// with its last price, its change over the tile's window and a live sparkline of the closes, so every
// symbol is in view while the big chart shows one. Clicking a tile chooses the chart's symbol.
import { useMemo, useState } from 'react';
import { intervalMs, type Candle, type Interval } from '../../../shared/domain';
import { useChangedAt, useFreshness } from '../api/freshness';
import { useCall, useEvent } from '../api/hooks';
import { formatChange, formatPrice, formatSpan } from '../format';

interface Props {
  feed: string;
  interval: Interval;
  symbols: readonly string[];
  selected: string | null;
  onSelect: (symbol: string) => void;
}

/** Bars in a tile's sparkline (and its change figure). */
const SPARK_BARS = 60;
const SPARK_WIDTH = 100;
const SPARK_HEIGHT = 26;
/**
 * A tile with no candle event for this long (browser time) is marked not live. The exchange pushes a
 * symbol's kline every second or two while it trades; the simulator every few hundred ms.
 */
const TILE_STALE_MS = 30_000;

export function SymbolList({ feed, interval, symbols, selected, onSelect }: Props) {
  return (
    <nav className="symbol-strip" data-testid="symbol-list" aria-label="Symbols">
      {symbols.length === 0 && <div className="symbol-strip__empty">No symbols configured.</div>}
      {symbols.map((symbol) => (
        <SymbolTile
          key={symbol}
          feed={feed}
          interval={interval}
          symbol={symbol}
          selected={symbol === selected}
          onSelect={onSelect}
        />
      ))}
    </nav>
  );
}

interface TileProps {
  feed: string;
  interval: Interval;
  symbol: string;
  selected: boolean;
  onSelect: (symbol: string) => void;
}

function SymbolTile({ feed, interval, symbol, selected, onSelect }: TileProps) {
  const history = useCall('market.candles', {
    feed,
    symbol,
    interval,
    limit: SPARK_BARS,
    includeUnconfirmed: true,
  });
  /** Live candles by open time, on top of the loaded history (the forming bar is replaced in place). */
  const [live, setLive] = useState<Candle[]>([]);
  useEvent('market.candle', (event) => {
    if (event.feed !== feed || event.interval !== interval || event.symbol !== symbol) return;
    setLive((candles) => {
      const last = candles[candles.length - 1];
      if (last && last.openTime === event.candle.openTime) return [...candles.slice(0, -1), event.candle];
      if (last && last.openTime > event.candle.openTime) return candles;
      return [...candles, event.candle].slice(-SPARK_BARS);
    });
  });

  const closes = useMemo(() => {
    const base = history.data ?? [];
    const merged = [...base.filter((c) => !live.some((l) => l.openTime === c.openTime)), ...live];
    merged.sort((a, b) => a.openTime - b.openTime);
    return merged.slice(-SPARK_BARS).map((c) => c.close);
  }, [history.data, live]);

  // The live events' array changes identity with every event: its change time is the tile's age.
  const fresh = useFreshness(useChangedAt(live), TILE_STALE_MS);
  const last = closes[closes.length - 1];
  const first = closes[0];
  const down = last !== undefined && first !== undefined && last < first;
  // The change is over the sparkline's bars: first open time to the last bar's close.
  const span = formatSpan(closes.length * intervalMs(interval));
  return (
    <button
      type="button"
      className={`symbol-tile${selected ? ' is-selected' : ''}${fresh.stale ? ' is-stale' : ''}`}
      aria-pressed={selected}
      data-symbol={symbol}
      data-stale={String(fresh.stale)}
      title={
        fresh.stale ? `${symbol}: not live (last update ${fresh.text})` : `${symbol}: updated ${fresh.text}`
      }
      data-last-close={last ?? ''}
      onClick={() => onSelect(symbol)}
    >
      <span className="symbol-tile__body">
        <span className="symbol-tile__name">{symbol}</span>
        <span className="symbol-tile__price">{last !== undefined ? formatPrice(last) : '—'}</span>
        <span
          className={`symbol-tile__change${down ? ' is-down' : ' is-up'}`}
          title={`change over the last ${closes.length} bars (${span})`}
          data-testid="tile-change"
        >
          {last !== undefined && first !== undefined ? (
            <>
              {formatChange(first, last)} <span className="symbol-tile__window">{span}</span>
            </>
          ) : (
            '\u00a0'
          )}
        </span>
        <Sparkline closes={closes} down={down} />
      </span>
    </button>
  );
}

function Sparkline({ closes, down }: { closes: readonly number[]; down: boolean }) {
  if (closes.length < 2) return <span className="symbol-tile__spark symbol-tile__spark--empty" />;
  const lo = Math.min(...closes);
  const hi = Math.max(...closes);
  const span = hi - lo || 1;
  const points = closes
    .map((c, i) => {
      const x = (i / (closes.length - 1)) * SPARK_WIDTH;
      const y = SPARK_HEIGHT - 1 - ((c - lo) / span) * (SPARK_HEIGHT - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg
      className={`symbol-tile__spark${down ? ' is-down' : ' is-up'}`}
      viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <polyline points={points} fill="none" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

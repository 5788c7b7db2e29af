// The one component that owns the candle chart: candles and volume for one (feed, symbol, interval),
// loaded from `market.candles` (forming bar included) and kept live from `market.candle` events, shown
// in a display timeframe the user picks (the stored bars merged on screen: the stream and the store
// stay at the app's interval), with the paper account's fills marked on their bars.
// Mount it with key={series} so that a new series gets a fresh chart; the chart is disposed on unmount.
// Test hooks on the container: data-candle-count / data-last-candle-time / data-last-close /
// data-live-updates (stored bars, updated on every live update), data-timeframe, data-display-count and
// data-fill-markers; the legend (data-testid="chart-legend") carries data-time of the bar it shows.
import { useEffect, useRef, useState } from 'react';
import type { MouseEventParams, UTCTimestamp } from 'lightweight-charts';
import type { Candle, Interval } from '../../../shared/domain';
import { useCall, useEvent } from '../api/hooks';
import { CandleBook, chartTime } from '../chart/candle-book';
import {
  createCandleChart,
  setHistory,
  showLatestBars,
  toCandleData,
  toVolumeData,
  type CandleChartParts,
} from '../chart/candle-chart';
import { fillMarkers, fillsAt, type MarkedFill } from '../chart/fill-markers';
import { TimeframeBook, timeframeChoices } from '../chart/resample';
import { chartColors } from '../chart/theme';
import { useThemeName } from '../chart/use-theme';
import {
  baseAsset,
  formatChange,
  formatCompact,
  formatDateTime,
  formatInterval,
  formatPrice,
  formatQuantity,
} from '../format';

/** Bars requested for the chart; enough to scroll back a while without a second call. */
const HISTORY_BARS = 1000;
const RELOAD_DEBOUNCE_MS = 500;

interface Props {
  feed: string;
  symbol: string;
  interval: Interval;
  /** Fills to mark (any symbol: the chart keeps its own), e.g. the paper account's recent ones. */
  fills?: readonly MarkedFill[];
  /** A small chart in a grid: a shorter legend without the symbol (the cell's title names it). */
  compact?: boolean;
}

export function CandleChart({ feed, symbol, interval, fills = [], compact = false }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const partsRef = useRef<CandleChartParts | null>(null);
  const book = useRef(new CandleBook()).current;
  const [timeframe, setTimeframe] = useState<Interval>(interval);
  const frames = useRef(new TimeframeBook(interval));
  /** The display bar the legend shows while the cursor is off the chart. */
  const lastBar = useRef<Candle | null>(null);
  /** Display bars by chart time, for the legend under the crosshair. */
  const shown = useRef(new Map<number, Candle>());
  /** While the crosshair is on a bar the legend shows that bar, not the live one. */
  const hovering = useRef(false);
  /** Live candles that arrive while history is (re)loading, replayed once it is in. */
  const pending = useRef<Candle[]>([]);
  const [empty, setEmpty] = useState(false);
  const [ready, setReady] = useState(0);
  const theme = useThemeName();
  const mine = fills.filter((f) => f.symbol === symbol);
  const marked = useRef<readonly MarkedFill[]>(mine);
  marked.current = mine;
  const history = useCall('market.candles', {
    feed,
    symbol,
    interval,
    limit: HISTORY_BARS,
    includeUnconfirmed: true,
  });

  const legend = (bar: Candle | null) =>
    showLegend(legendRef.current, {
      symbol,
      compact,
      bar,
      fills: bar ? fillsAt(marked.current, bar.openTime, frames.current.frame) : [],
    });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const parts = createCandleChart(container);
    partsRef.current = parts;
    parts.chart.subscribeCrosshairMove((param: MouseEventParams) => {
      const hovered = param.time === undefined ? undefined : shown.current.get(Number(param.time));
      hovering.current = hovered !== undefined;
      legend(hovered ?? lastBar.current);
    });
    setReady((n) => n + 1);
    return () => {
      partsRef.current = null;
      parts.chart.remove();
    };
  }, [symbol, theme]);

  const publish = () => {
    const container = containerRef.current;
    if (!container) return;
    container.dataset.candleCount = String(book.count);
    container.dataset.lastCandleTime = String(book.lastTime ?? '');
    container.dataset.lastClose = String(book.lastClose ?? '');
    container.dataset.liveUpdates = String(book.liveUpdates);
    container.dataset.displayCount = String(shown.current.size);
    setEmpty(book.count === 0);
  };

  /** Draws every display bar again from the stored ones (history loaded, timeframe changed). */
  const drawAll = (stored: readonly Candle[], fit: boolean) => {
    const parts = partsRef.current;
    if (!parts) return;
    const bars = frames.current.load(stored);
    shown.current = new Map(bars.map((b) => [chartTime(b.openTime), b]));
    setHistory(parts, bars);
    lastBar.current = bars[bars.length - 1] ?? null;
    if (fit && bars.length > 0) showLatestBars(parts, bars.length);
    if (!hovering.current) legend(lastBar.current);
  };

  const applyLive = (candle: Candle) => {
    const parts = partsRef.current;
    if (!parts) return;
    const verdict = book.accept(candle);
    if (verdict === 'missing') {
      reloadSoon();
      return;
    }
    const bar = frames.current.accept(candle);
    const time = chartTime(bar.openTime);
    const latest = lastBar.current === null || bar.openTime >= lastBar.current.openTime;
    // A late confirm frame amends a bar behind the forming one: the chart allows that as a historical update.
    parts.candles.update(toCandleData(bar), !latest);
    parts.volume.update(toVolumeData(bar, parts.volumeColors), !latest);
    shown.current.set(time, bar);
    if (latest) {
      lastBar.current = bar;
      if (!hovering.current) legend(bar);
    }
    publish();
  };

  /** One history reload for a burst of candles the chart never had. */
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = () => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      history.reload();
    }, RELOAD_DEBOUNCE_MS);
  };
  useEffect(() => () => clearTimeout(reloadTimer.current ?? undefined), []);

  useEffect(() => {
    if (!partsRef.current || history.loading || !history.data) return;
    const candles = history.data;
    // Only the first history is scrolled to its end: a reload must not move the user's view.
    const firstLoad = book.lastTime === null && book.count === 0;
    book.load(candles);
    drawAll(candles, firstLoad);
    for (const candle of pending.current.splice(0)) applyLive(candle);
    publish();
    // applyLive, drawAll and publish only touch refs and stable setters: history (and a new chart) trigger.
  }, [history.data, history.loading, ready]);

  // A new display timeframe: the same stored bars, merged again; the stream is not touched.
  const chooseTimeframe = (frame: Interval) => {
    const stored = frames.current.stored();
    frames.current = new TimeframeBook(frame);
    setTimeframe(frame);
    drawAll(stored, true);
    publish();
  };

  // Fill markers on their display bars; redrawn when fills arrive or the bars change timeframe.
  const markerKey = mine.map((f) => `${f.time}|${f.side}|${f.quantity}`).join(',');
  useEffect(() => {
    const parts = partsRef.current;
    const container = containerRef.current;
    if (!parts || !container) return;
    const markers = fillMarkers(marked.current, timeframe, { buy: chartColors.up, sell: chartColors.down });
    parts.markers.setMarkers(
      markers.map(({ quantity, ...m }) => ({
        ...m,
        id: `${m.time}|${quantity}`,
        time: chartTime(m.time) as UTCTimestamp,
      })),
    );
    container.dataset.fillMarkers = String(markers.length);
    if (!hovering.current) legend(lastBar.current);
  }, [markerKey, timeframe, ready]);

  useEvent('market.candle', (event) => {
    if (event.feed !== feed || event.symbol !== symbol || event.interval !== interval) return;
    if (history.loading || !history.data) pending.current.push(event.candle);
    else applyLive(event.candle);
  });

  const choices = timeframeChoices(interval);
  return (
    <div
      className={`candle-chart${compact ? ' is-compact' : ''}`}
      data-testid="candle-chart"
      data-symbol={symbol}
      data-timeframe={timeframe}
      ref={containerRef}
    >
      <div className="candle-chart__legend" data-testid="chart-legend" ref={legendRef} />
      {!compact && choices.length > 1 && (
        <label className="candle-chart__timeframe">
          <span className="visually-hidden">Chart timeframe</span>
          <select
            data-testid="candle-timeframe"
            aria-label="Chart timeframe"
            title="Timeframe of the bars on screen (the stream stays at the app's interval)"
            value={timeframe}
            onChange={(event) => chooseTimeframe(event.target.value as Interval)}
          >
            {choices.map((frame) => (
              <option key={frame} value={frame}>
                {formatInterval(frame)}
              </option>
            ))}
          </select>
        </label>
      )}
      <a
        className="candle-chart__credit"
        href="https://www.tradingview.com/"
        target="_blank"
        rel="noreferrer"
      >
        Charts by TradingView
      </a>
      {history.error && !history.data && (
        <div className="candle-chart__notice">
          Could not load candles for {symbol}: {history.error.message}
        </div>
      )}
      {empty && !history.loading && !history.error && (
        <div className="candle-chart__notice">
          No candles stored for {symbol} yet: waiting for the stream…
        </div>
      )}
    </div>
  );
}

interface LegendContent {
  symbol: string;
  /** A grid cell: its title names the symbol; one line of close, change and volume over the plot. */
  compact: boolean;
  bar: Candle | null;
  /** The fills on that bar: side, size and price, the markers' tooltip. */
  fills: readonly MarkedFill[];
}

/** The legend above the chart: the bar under the crosshair (else the latest), its volume and fills. */
function showLegend(element: HTMLElement | null, { symbol, compact, bar, fills }: LegendContent): void {
  if (!element) return;
  const parts: [string, string][] = [];
  if (!compact) parts.push(['symbol', symbol]);
  if (bar) {
    if (!compact) {
      parts.push(['time', formatDateTime(bar.openTime)]);
      parts.push(['ohlc', `O ${formatPrice(bar.open)}  H ${formatPrice(bar.high)}`]);
      parts.push(['ohlc', `L ${formatPrice(bar.low)}  C ${formatPrice(bar.close)}`]);
    } else parts.push(['ohlc', `C ${formatPrice(bar.close)}`]);
    parts.push(['change', formatChange(bar.open, bar.close)]);
    parts.push(['volume', `Vol ${formatCompact(bar.volume)} ${baseAsset(symbol)}`]);
  }
  for (const f of fills) {
    parts.push(['fill', `${f.side} ${formatQuantity(f.quantity)} @ ${formatPrice(f.price)}`]);
  }
  element.dataset.time = bar ? String(bar.openTime) : '';
  element.dataset.volume = bar ? String(bar.volume) : '';
  element.classList.toggle('is-down', bar !== null && bar.close < bar.open);
  element.replaceChildren(
    ...parts.map(([kind, text]) => {
      const span = document.createElement('span');
      span.className = `candle-chart__legend-${kind}${kind === 'fill' ? (text.startsWith('buy') ? ' is-up' : ' is-down') : ''}`;
      span.textContent = text;
      return span;
    }),
  );
}

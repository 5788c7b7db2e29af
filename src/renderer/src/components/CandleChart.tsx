// The one component that owns lightweight-charts: candles and volume for one (feed, symbol, interval),
// loaded from `market.candles` (forming bar included) and kept live from `market.candle` events.
// Mount it with key={series} so that a new series gets a fresh chart; the chart is disposed on unmount.
// The container carries data-candle-count / data-last-candle-time / data-last-close / data-live-updates,
// updated on every live update, so browser tests can see the chart move without comparing pixels.
import { useEffect, useRef, useState } from 'react';
import type { CandlestickData, MouseEventParams } from 'lightweight-charts';
import type { Candle, Interval } from '../../../shared/domain';
import { useCall, useEvent } from '../api/hooks';
import { CandleBook, pricePrecision } from '../chart/candle-book';
import {
  createCandleChart,
  setHistory,
  showLatestBars,
  toCandleData,
  toVolumeData,
  type CandleChartParts,
} from '../chart/candle-chart';
import { formatChange } from '../format';

/** Bars requested for the chart; enough to scroll back a while without a second call. */
const HISTORY_BARS = 1000;
const RELOAD_DEBOUNCE_MS = 500;

interface Props {
  feed: string;
  symbol: string;
  interval: Interval;
}

export function CandleChart({ feed, symbol, interval }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const partsRef = useRef<CandleChartParts | null>(null);
  const book = useRef(new CandleBook()).current;
  const lastBar = useRef<Candle | null>(null);
  /** While the crosshair is on a bar the legend shows that bar, not the live one. */
  const hovering = useRef(false);
  /** Live candles that arrive while history is (re)loading, replayed once it is in. */
  const pending = useRef<Candle[]>([]);
  const [empty, setEmpty] = useState(false);
  const history = useCall('market.candles', {
    feed,
    symbol,
    interval,
    limit: HISTORY_BARS,
    includeUnconfirmed: true,
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const parts = createCandleChart(container);
    partsRef.current = parts;
    parts.chart.subscribeCrosshairMove((param: MouseEventParams) => {
      const hovered = param.seriesData.get(parts.candles) as CandlestickData | undefined;
      hovering.current = hovered !== undefined;
      showLegend(legendRef.current, symbol, hovered ?? toCandleData(lastBar.current));
    });
    return () => {
      partsRef.current = null;
      parts.chart.remove();
    };
  }, [symbol]);

  const publish = () => {
    const container = containerRef.current;
    if (!container) return;
    container.dataset.candleCount = String(book.count);
    container.dataset.lastCandleTime = String(book.lastTime ?? '');
    container.dataset.lastClose = String(book.lastClose ?? '');
    container.dataset.liveUpdates = String(book.liveUpdates);
    setEmpty(book.count === 0);
  };

  const applyLive = (candle: Candle) => {
    const parts = partsRef.current;
    if (!parts) return;
    const verdict = book.accept(candle);
    if (verdict === 'missing') {
      reloadSoon();
      return;
    }
    // A late confirm frame amends a bar behind the forming one: the chart allows that as a historical update.
    const historical = verdict === 'amend';
    parts.candles.update(toCandleData(candle), historical);
    parts.volume.update(toVolumeData(candle, parts.volumeColors), historical);
    if (!historical) {
      lastBar.current = candle;
      if (!hovering.current) showLegend(legendRef.current, symbol, toCandleData(candle));
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
    const parts = partsRef.current;
    if (!parts || history.loading || !history.data) return;
    const candles = history.data;
    const firstLoad = book.lastTime === null && book.count === 0;
    book.load(candles);
    setHistory(parts, candles);
    lastBar.current = candles[candles.length - 1] ?? null;
    for (const candle of pending.current.splice(0)) applyLive(candle);
    if (firstLoad && candles.length > 0) showLatestBars(parts, candles.length);
    if (!hovering.current) showLegend(legendRef.current, symbol, toCandleData(lastBar.current));
    publish();
    // applyLive and publish only touch refs and stable setters: history is the one trigger.
  }, [history.data, history.loading]);

  useEvent('market.candle', (event) => {
    if (event.feed !== feed || event.symbol !== symbol || event.interval !== interval) return;
    if (history.loading || !history.data) pending.current.push(event.candle);
    else applyLive(event.candle);
  });

  return (
    <div className="candle-chart" data-testid="candle-chart" data-symbol={symbol} ref={containerRef}>
      <div className="candle-chart__legend" ref={legendRef} />
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

/** The OHLC line above the chart: the bar under the crosshair, else the latest bar. */
function showLegend(element: HTMLElement | null, symbol: string, bar: CandlestickData | undefined): void {
  if (!element) return;
  if (!bar) {
    element.textContent = symbol;
    return;
  }
  const precision = pricePrecision(bar.close);
  const f = (v: number) => v.toFixed(precision);
  element.textContent = `${symbol}  O ${f(bar.open)}  H ${f(bar.high)}  L ${f(bar.low)}  C ${f(bar.close)}  ${formatChange(bar.open, bar.close)}`;
  element.classList.toggle('is-down', bar.close < bar.open);
}

// The bench page: the app's own candle chart code (chart/candle-chart.ts and chart/candle-book.ts, with
// the app's stylesheet for its colours) driven by data the Node side sends in, timed in the page with
// performance marks and requestAnimationFrame. Exposed as window.rendererBench (see protocol.ts).
import { CandleBook } from '../../../src/renderer/src/chart/candle-book';
import {
  createCandleChart,
  setHistory,
  showLatestBars,
  toCandleData,
  toVolumeData,
  type CandleChartParts,
} from '../../../src/renderer/src/chart/candle-chart';
import '../../../src/renderer/src/styles.css';
import type { Candle } from '../../../src/shared/domain';
import type { HistoryTiming, RendererBench, StreamPlan, StreamResult } from './protocol';

const stage = document.getElementById('bench')!;
let heldHistory: Candle[] = [];

/** Resolves after the frame that follows the current one has started, i.e. the next one was painted. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

/** A chart container sized like the app's (the .candle-chart class, explicit size here). */
function chartBox(width: number, height: number, parent: HTMLElement = stage): HTMLDivElement {
  const box = document.createElement('div');
  box.className = 'candle-chart';
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
  box.style.flex = 'none';
  parent.appendChild(box);
  return box;
}

async function loadHistory(): Promise<HistoryTiming> {
  const box = chartBox(1280, 600);
  const parts = createCandleChart(box);
  await afterPaint(); // the empty chart has its size and its first frame: not part of the load
  performance.mark('history:start');
  setHistory(parts, heldHistory);
  showLatestBars(parts, heldHistory.length);
  performance.mark('history:set');
  await afterPaint();
  performance.mark('history:painted');
  const set = performance.measure('history:setData', 'history:start', 'history:set');
  const painted = performance.measure('history:firstPaint', 'history:start', 'history:painted');
  performance.clearMarks();
  performance.clearMeasures();
  parts.chart.remove();
  box.remove();
  return { setDataMs: set.duration, firstPaintMs: painted.duration };
}

interface LiveChart {
  parts: CandleChartParts;
  book: CandleBook;
  box: HTMLDivElement;
}

/** What CandleChart's applyLive does with a live candle, minus the React legend. */
function applyLive(live: LiveChart, candle: Candle): void {
  const verdict = live.book.accept(candle);
  if (verdict === 'missing') return;
  const historical = verdict === 'amend';
  live.parts.candles.update(toCandleData(candle), historical);
  live.parts.volume.update(toVolumeData(candle, live.parts.volumeColors), historical);
  live.box.dataset.candleCount = String(live.book.count);
  live.box.dataset.lastClose = String(live.book.lastClose ?? '');
  live.box.dataset.liveUpdates = String(live.book.liveUpdates);
}

/** The Live view's shape: one large chart above, the other symbols as full charts in a row of tiles. */
function liveLayout(symbols: string[]): HTMLDivElement[] {
  const tiles = document.createElement('div');
  tiles.style.display = 'flex';
  const boxes = symbols.map((_, i) => (i === 0 ? chartBox(1280, 440) : chartBox(320, 300, tiles)));
  stage.appendChild(tiles);
  return boxes;
}

async function stream(plan: StreamPlan): Promise<StreamResult> {
  const boxes = liveLayout(plan.symbols);
  const charts: LiveChart[] = plan.symbols.map((symbol, i) => {
    const box = boxes[i]!;
    const parts = createCandleChart(box);
    const book = new CandleBook();
    const history = plan.history[symbol]!;
    book.load(history);
    setHistory(parts, history);
    showLatestBars(parts, history.length);
    return { parts, book, box };
  });
  await afterPaint();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const longTaskMs: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTaskMs.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const frameTimes: number[] = [];
  let running = true;
  const onFrame = (t: number) => {
    frameTimes.push(t);
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);

  // Each symbol on its own timer, staggered across the period, as frames from a socket would arrive.
  const streamed = Promise.all(
    plan.symbols.map(
      (symbol, i) =>
        new Promise<void>((done) => {
          const updates = plan.updates[symbol] ?? [];
          let next = 0;
          const tick = () => {
            const candle = updates[next];
            if (!candle) {
              clearInterval(timer);
              done();
              return;
            }
            const mark = `update:${symbol}:${next}`;
            performance.mark(mark);
            applyLive(charts[i]!, candle);
            performance.measure('update', mark);
            next += 1;
          };
          let timer: ReturnType<typeof setInterval> | undefined;
          setTimeout(
            () => {
              timer = setInterval(tick, plan.updateEveryMs);
            },
            (i * plan.updateEveryMs) / plan.symbols.length,
          );
        }),
    ),
  );
  await Promise.all([streamed, new Promise((resolve) => setTimeout(resolve, plan.durationMs))]);
  await afterPaint();
  running = false;
  observer.disconnect();
  const updateMs = performance.getEntriesByName('update', 'measure').map((m) => m.duration);
  performance.clearMarks();
  performance.clearMeasures();
  const finalCounts = charts.map((c) => c.book.count);
  for (const c of charts) c.parts.chart.remove();
  stage.replaceChildren();
  return { frameTimes, updateMs, longTaskMs, finalCounts };
}

const bench: RendererBench = {
  holdHistory(candles) {
    heldHistory = candles;
    return candles.length;
  },
  loadHistory,
  stream,
};
(window as unknown as { rendererBench: RendererBench }).rendererBench = bench;

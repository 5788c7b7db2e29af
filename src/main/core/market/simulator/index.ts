// The Bybit v5 simulator: an HTTP + WebSocket server on 127.0.0.1 speaking the public protocol of
// Bybit's v5 API over a synthetic (or replayed) market with an accelerated clock and fault injection.
// It stands in for Bybit in every test, in the demo, and as the app's offline default.
//
// Choices where the sheet is silent or UNVERIFIED (each one errs toward what a careful client must
// handle anyway):
// - kline `limit` outside 1..1000 is refused with 10001 "Request parameter error" (not clamped);
//   a window larger than `limit` returns the newest `limit` rows; `start` alone returns the `limit`
//   rows from `start` on; intervals coarser than the simulated one are rolled up, others are empty.
// - A subscribe with several args subscribes the valid ones and sends ONE ack: success:false with the
//   failure texts joined by ';' if any failed. Unsubscribing a topic not subscribed succeeds.
// - Known topics: `kline.{interval}.{symbol}` of the simulated interval, and `tickers.{symbol}` (a
//   snapshot on subscribe, then deltas of only the changed fields at each kline push: lastPrice,
//   markPrice, and fundingRate / nextFundingTime when a funding time passes). No orderbook.
// - The bar forming now is pushed `updatesPerBar` times (confirm:false) then confirmed at its close;
//   REST's row 0 is its latest pushed state (O=H=L=C, volume 0 before the first push).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { barOpenTime, intervalMs, type Candle, type Interval } from '../../../../shared/domain';
import { addBars } from './bar-time';
import { SimClock } from './clock';
import { FaultInjector, type FaultConfig, type FaultKind } from './faults';
import { klinePushFrame, klineTopic } from './frames';
import { instrumentRules, type SimInstrumentRules } from './instruments';
import { MarketTape, type CandleSource, type TapeEvent } from './market-tape';
import { fundingSchedule, type FundingSchedule } from './funding';
import { createRestHandler, tickerFields } from './rest';
import { createMarketGenerator, DEFAULT_MARKET_SPEC, specForSymbols, type MarketSpec } from './synthetic';
import { WsHub, type Connection } from './ws';

export type { FaultConfig, FaultKind } from './faults';
export type { FundingSchedule } from './funding';
export { FAULT_KINDS } from './faults';
export type { MarketSpec, FollowerSpec, GenerateOptions } from './synthetic';
export {
  DEFAULT_MARKET_SPEC,
  randomWalkSpec,
  generateMarket,
  partialCandle,
  specForSymbols,
} from './synthetic';

export interface SimulatorOptions {
  /** Default '127.0.0.1'; only loopback addresses are accepted. */
  host?: string;
  /** 0 = ephemeral (default). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Default '1'. */
  interval?: Interval;
  /** Default DEFAULT_MARKET_SPEC.symbols (or the replay's symbols). */
  symbols?: string[];
  /** Default DEFAULT_MARKET_SPEC restricted/extended to `symbols`. */
  market?: MarketSpec;
  /** Replay stored candles instead of synthetic ones: aligned, gap-free series of `interval`. */
  replay?: Record<string, Candle[]>;
  /** Real ms per bar of accelerated time, default 200. */
  barMs?: number;
  /** Closed bars before the start, default 1000 (for a replay: at most what it holds). */
  historyBars?: number;
  /** Simulated time at start; default the wall clock (for a replay: the open of bar `historyBars`). */
  startTime?: number;
  /** confirm:false pushes per bar, default 3. */
  updatesPerBar?: number;
  faults?: Partial<FaultConfig>;
  /** Fault decisions are reproducible from this seed (default: `seed`). */
  faultSeed?: number;
  /** Beyond it: HTTP 403 (IP ban). Default 600 per 5000 ms; null disables. */
  restRateLimit?: { maxRequests: number; windowMs: number } | null;
  /** Drop a socket without a close frame after this long with no client message; default 600000. */
  idleTimeoutMs?: number;
  /** Stop producing new bars after this many live bars (the clock then stops), default unlimited. */
  maxBars?: number;
  /**
   * New websocket connections allowed per real-time window; beyond it upgrades get HTTP 503 (counted
   * in stats().wsRefused, not as a fault). Bybit allows 500 per 5 min; default null (no limit) so
   * that fault-heavy tests, which reconnect hundreds of times, are not throttled by surprise.
   */
  wsConnectLimit?: { maxConnections: number; windowMs: number } | null;
}

export interface Simulator {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly restUrl: string;
  /** ws://127.0.0.1:PORT/v5/public/linear */
  readonly wsUrl: string;
  readonly interval: Interval;
  readonly symbols: string[];
  /** Simulated exchange time (ms). */
  now(): number;
  /** Every CLOSED candle so far (history + live), ascending, confirmed. */
  truth(symbol: string): Candle[];
  /** Closed bars produced since start. */
  liveBars(): number;
  /** instruments-info `launchTime`: the open of the first bar; nothing exists before it. */
  readonly launchTime: number;
  /** The synthetic funding (rates, funding times) that /v5/market/funding/history serves. */
  readonly funding: FundingSchedule;
  waitForLiveBars(n: number, timeoutMs?: number): Promise<void>;
  setFaults(faults: Partial<FaultConfig>): void;
  /** Faults actually injected so far. */
  faultCounts(): Record<FaultKind, number>;
  stats(): {
    restRequests: number;
    restRejected: number;
    wsConnections: number;
    wsRefused: number;
    framesSent: number;
  };
  /** Freeze / unfreeze the accelerated clock. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface MarketSetup {
  symbols: string[];
  source: CandleSource;
  rules: Record<string, SimInstrumentRules>;
  firstOpenTime: number;
  historyBars: number;
  startTime: number;
}

function syntheticSetup(options: SimulatorOptions, interval: Interval, seed: number): MarketSetup {
  const symbols = options.symbols ?? options.market?.symbols ?? DEFAULT_MARKET_SPEC.symbols;
  const spec = options.market ? specForSymbols(symbols, options.market) : specForSymbols(symbols);
  const startTime = options.startTime ?? Date.now();
  const historyBars = Math.max(0, Math.floor(options.historyBars ?? 1000));
  // History ends where the simulation starts: its last bar closes at or before startTime.
  const firstOpenTime = addBars(barOpenTime(startTime, interval), -historyBars, interval);
  const generator = createMarketGenerator(spec, { seed, interval, startTime: firstOpenTime });
  return {
    symbols: [...symbols],
    source: () => generator.next(),
    rules: { ...generator.rules },
    firstOpenTime,
    historyBars,
    startTime,
  };
}

function replaySetup(
  options: SimulatorOptions,
  replay: Record<string, Candle[]>,
  interval: Interval,
): MarketSetup {
  const symbols = options.symbols ?? Object.keys(replay);
  const first = replay[symbols[0] ?? '']?.[0];
  if (!first) throw new Error('simulator: the replay holds no candles');
  const length = Math.min(...symbols.map((s) => replay[s]?.length ?? 0));
  const firstOpenTime = first.openTime;
  const defaultHistory = Math.min(length, Math.max(0, Math.floor(options.historyBars ?? 1000)));
  const historyBars =
    options.startTime === undefined
      ? defaultHistory
      : Math.min(
          length,
          Math.max(
            0,
            Math.round((barOpenTime(options.startTime, interval) - firstOpenTime) / intervalMs(interval)),
          ),
        );
  const startTime = options.startTime ?? addBars(firstOpenTime, historyBars, interval);
  let next = 0;
  const source: CandleSource = () => {
    if (next >= length) return undefined;
    const i = next++;
    return Object.fromEntries(symbols.map((s) => [s, replay[s]![i]!]));
  };
  const rules = Object.fromEntries(symbols.map((s) => [s, instrumentRules(s, replay[s]![0]!.close)]));
  return { symbols: [...symbols], source, rules, firstOpenTime, historyBars, startTime };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new Error(`simulator: refusing to bind ${host}; it only listens on loopback`);
  const interval = options.interval ?? '1';
  const seed = options.seed ?? 1;
  const updatesPerBar = Math.max(1, Math.floor(options.updatesPerBar ?? 3));
  const barMs = options.barMs ?? 200;
  const setup = options.replay
    ? replaySetup(options, options.replay, interval)
    : syntheticSetup(options, interval, seed);
  const { symbols, rules } = setup;
  const clock = new SimClock(setup.startTime, intervalMs(interval), barMs);
  const tape = new MarketTape({
    symbols,
    interval,
    firstOpenTime: setup.firstOpenTime,
    historyBars: setup.historyBars,
    source: setup.source,
    updatesPerBar,
    precision: Object.fromEntries(
      symbols.map((s) => [s, { priceDecimals: rules[s]!.priceDecimals, qtyDecimals: rules[s]!.qtyDecimals }]),
    ),
    seed,
    maxLiveBars: options.maxBars,
  });
  const faults = new FaultInjector(options.faults, options.faultSeed ?? seed);
  const funding = fundingSchedule(seed);
  const stats = { restRequests: 0, restRejected: 0, wsConnections: 0, wsRefused: 0, framesSent: 0 };
  const wallNow = (): number => performance.now();
  const topics = new Set(symbols.map((s) => klineTopic(interval, s)));
  for (const s of symbols) topics.add(tickerTopic(s));
  /** The ticker fields last sent per symbol, so that deltas carry only what changed. */
  const lastTicker: Record<string, Record<string, string>> = {};
  const tickerNow = (symbol: string): Record<string, string> =>
    tickerFields({ tape, funding }, symbol, clock.now());
  const hub = new WsHub({
    isKnownTopic: (topic) => topics.has(topic),
    onSubscribed: (connection, topic) => {
      if (!topic.startsWith('tickers.')) return;
      const symbol = topic.slice('tickers.'.length);
      const data = tickerNow(symbol);
      lastTicker[symbol] = data;
      hub.send(connection, tickerFrame(topic, 'snapshot', data, clock.now()));
    },
    faults,
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    connectLimit: options.wsConnectLimit ?? null,
    wallNow,
    stats,
  });

  // Per bar and symbol fault plan, and the last partial frame (resent by the reorder fault).
  let barPlan: Record<string, ReturnType<FaultInjector['barDecisions']>> = {};
  const lastPartialFrame: Record<string, string | undefined> = {};
  /** waitForLiveBars callers: woken after every confirm, failed on close. */
  const barWaiters = new Set<{ wake: () => void; fail: (error: Error) => void }>();

  const applyConnectionFaults = (step: number): void => {
    for (const connection of [...hub.all()]) {
      if (connection.malformedAt === step) {
        connection.malformedAt = null;
        if (hub.send(connection, malformedFrame(connection, faults.uniform(), interval, symbols)))
          faults.record('malformed');
      }
      if (connection.cutAt === step) {
        connection.cutAt = null;
        hub.cut(connection);
        faults.record('cutSocket');
      }
    }
  };

  /** A delta of the fields that changed since the last ticker frame of each subscribed symbol. */
  const pushTickers = (): void => {
    for (const symbol of symbols) {
      const topic = tickerTopic(symbol);
      if (hub.subscriberCount(topic) === 0) continue;
      const data = tickerNow(symbol);
      const before = lastTicker[symbol] ?? {};
      const changed: Record<string, string> = { symbol };
      for (const [k, v] of Object.entries(data)) if (before[k] !== v) changed[k] = v;
      lastTicker[symbol] = data;
      if (Object.keys(changed).length > 1)
        hub.broadcast(topic, tickerFrame(topic, 'delta', changed, clock.now()));
    }
  };

  const onEvent = (event: TapeEvent): void => {
    if (event.kind !== 'open') pushTickers();
    const ts = Math.max(clock.now(), 'timestamp' in event ? event.timestamp : 0);
    if (event.kind === 'open') {
      barPlan = Object.fromEntries(symbols.map((s) => [s, faults.barDecisions()]));
      for (const connection of hub.all())
        Object.assign(connection, faults.connectionDecisions(updatesPerBar + 1));
      for (const s of symbols) lastPartialFrame[s] = undefined;
      return;
    }
    if (event.kind === 'partial') {
      applyConnectionFaults(event.step);
      for (const symbol of symbols) {
        const topic = klineTopic(interval, symbol);
        const frame = klinePushFrame(interval, symbol, event.candles[symbol]!, false, event.timestamp, ts);
        const reached = hub.broadcast(topic, frame);
        const older = lastPartialFrame[symbol];
        // Reorder: the previous (older timestamp, lower volume) update arrives after this one.
        if (barPlan[symbol]?.reorder && event.step === updatesPerBar && older && reached > 0) {
          hub.broadcast(topic, older);
          faults.record('reorder');
        }
        lastPartialFrame[symbol] = frame;
      }
      return;
    }
    applyConnectionFaults(updatesPerBar + 1);
    for (const symbol of symbols) {
      const topic = klineTopic(interval, symbol);
      const plan = barPlan[symbol];
      const listeners = hub.subscriberCount(topic);
      if (plan?.dropConfirm && listeners > 0) {
        faults.record('dropConfirm');
        continue;
      }
      const frame = klinePushFrame(interval, symbol, event.candles[symbol]!, true, event.timestamp, ts);
      hub.broadcast(topic, frame);
      if (plan?.duplicateConfirm && listeners > 0) {
        hub.broadcast(topic, frame);
        faults.record('duplicateConfirm');
      }
    }
    for (const waiter of [...barWaiters]) waiter.wake();
  };

  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const advance = (): void => {
    tape.advance(clock.now(), onEvent);
    const end = tape.endTime();
    if (end !== null) clock.freezeAt(end);
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const next = tape.nextEventTime();
    if (next === null) return;
    const delay = clock.realDelayUntil(next);
    if (!Number.isFinite(delay)) return;
    timer = setTimeout(tick, Math.max(1, delay));
  };
  const tick = (): void => {
    timer = null;
    advance();
    schedule();
  };

  const restHandler = createRestHandler({
    tape,
    interval,
    symbols,
    rules,
    funding,
    faults,
    now: () => {
      // Answer from a tape that has caught up with the clock, so REST and the stream agree.
      advance();
      return clock.now();
    },
    wallNow,
    rateLimit:
      options.restRateLimit === undefined ? { maxRequests: 600, windowMs: 5000 } : options.restRateLimit,
    stats,
  });

  const server: Server = createServer((req, res) => {
    try {
      restHandler(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    }
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  advance();
  schedule();

  return {
    port,
    restUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}/v5/public/linear`,
    interval,
    symbols: [...symbols],
    now: () => clock.now(),
    truth: (symbol) => {
      advance();
      return tape.closed(symbol);
    },
    liveBars: () => tape.liveBars,
    launchTime: tape.openTime(0),
    funding,
    waitForLiveBars: (n, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (tape.liveBars >= n) return resolve();
        const fail = (error: Error): void => {
          clearTimeout(timeout);
          barWaiters.delete(waiter);
          reject(error);
        };
        const timeout = setTimeout(
          () => fail(new Error(`simulator: only ${tape.liveBars} of ${n} live bars after ${timeoutMs} ms`)),
          timeoutMs,
        );
        const waiter = {
          wake: (): void => {
            if (tape.liveBars < n) return;
            clearTimeout(timeout);
            barWaiters.delete(waiter);
            resolve();
          },
          fail,
        };
        barWaiters.add(waiter);
      }),
    setFaults: (next) => faults.set(next),
    faultCounts: () => faults.injected(),
    stats: () => ({ ...stats }),
    pause: () => {
      advance();
      clock.pause();
      if (timer) clearTimeout(timer);
      timer = null;
    },
    resume: () => {
      clock.resume();
      schedule();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      for (const waiter of [...barWaiters]) waiter.fail(new Error('simulator: closed'));
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tickerTopic(symbol: string): string {
  return `tickers.${symbol}`;
}

/** A tickers frame as Bybit's linear stream sends it (`cs` is a cross sequence; here the time). */
function tickerFrame(
  topic: string,
  type: 'snapshot' | 'delta',
  data: Record<string, string>,
  ts: number,
): string {
  return JSON.stringify({ topic, type, data, cs: ts, ts });
}

/** A frame a client must survive: text that is not JSON, or JSON of the wrong shape. */
function malformedFrame(
  connection: Connection,
  u: number,
  interval: Interval,
  symbols: readonly string[],
): string {
  const topic = [...connection.topics][0] ?? klineTopic(interval, symbols[0] ?? 'BTCUSDT');
  if (u < 0.34) return `{"topic":"${topic}","data":[{"start":`;
  if (u < 0.67) return JSON.stringify({ topic, data: { confirm: 'maybe' }, ts: 'soon', type: 'snapshot' });
  return 'not json at all';
}

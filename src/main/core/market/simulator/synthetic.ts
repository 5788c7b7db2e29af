// The synthetic market: pure and deterministic, no I/O and no clock. Close-to-close log returns carry
// the planted lead-lag: a follower's return at bar t is beta x its leader's return at bar t-lag plus
// idiosyncratic noise, so features built on log returns can find it. Every symbol draws from its own
// seeded stream a fixed number of uniforms per bar, which makes the series prefix-stable (N bars, then
// N+M bars, share the first N exactly) and independent of which other symbols are generated.
import type { Candle, Interval } from '../../../../shared/domain';
import { addBars } from './bar-time';
import { instrumentRules, roundTo, type SimInstrumentRules } from './instruments';
import { hashSeed, mulberry32, normal, type Rng } from './prng';

export interface FollowerSpec {
  symbol: string;
  leader: string;
  /** In bars, >= 1. */
  lag: number;
  beta: number;
}

export interface MarketSpec {
  /** All symbols, e.g. ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT']. */
  symbols: string[];
  /** Symbols not listed here are independent random walks. */
  followers: FollowerSpec[];
  /** Per-bar std of log returns of independent assets and leaders, e.g. 0.004. */
  volatility: number;
  /** Per-bar std of the idiosyncratic log return added to followers. */
  noise: number;
  startPrices: Record<string, number>;
  /** Mean volume per bar in base coin, per symbol or one figure for all. */
  baseVolume: Record<string, number> | number;
  /** Volatility regimes: the multiplier changes every `everyBars` bars, cycling through the list. */
  regimes?: { everyBars: number; volMultipliers: number[] };
  /** Per-bar mean log return of independent assets and leaders. */
  drift?: number;
}

export const DEFAULT_MARKET_SPEC: MarketSpec = {
  symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'],
  followers: [
    { symbol: 'ETHUSDT', leader: 'BTCUSDT', lag: 1, beta: 0.9 },
    { symbol: 'SOLUSDT', leader: 'BTCUSDT', lag: 1, beta: 0.8 },
    { symbol: 'AVAXUSDT', leader: 'BTCUSDT', lag: 1, beta: 0.7 },
    { symbol: 'DOTUSDT', leader: 'BTCUSDT', lag: 1, beta: 0.6 },
  ],
  volatility: 0.004,
  noise: 0.003,
  startPrices: { BTCUSDT: 65000, ETHUSDT: 3200, SOLUSDT: 150, AVAXUSDT: 30, DOTUSDT: 6 },
  baseVolume: { BTCUSDT: 40, ETHUSDT: 600, SOLUSDT: 9000, AVAXUSDT: 40000, DOTUSDT: 200000 },
  regimes: { everyBars: 500, volMultipliers: [1, 1.8, 0.7] },
  drift: 0,
};

/** The same symbols and volatility as the default, with no lead-lag at all (look-ahead guards). */
export function randomWalkSpec(symbols: string[]): MarketSpec {
  return {
    ...DEFAULT_MARKET_SPEC,
    symbols: [...symbols],
    followers: [],
    startPrices: Object.fromEntries(symbols.map((s) => [s, defaultStartPrice(s)])),
    baseVolume: Object.fromEntries(symbols.map((s) => [s, defaultBaseVolume(s)])),
  };
}

/** The default spec restricted to `symbols`, with unknown symbols added as independent walks. */
export function specForSymbols(symbols: string[], base: MarketSpec = DEFAULT_MARKET_SPEC): MarketSpec {
  const wanted = new Set(symbols);
  return {
    ...base,
    symbols: [...symbols],
    followers: base.followers.filter((f) => wanted.has(f.symbol) && wanted.has(f.leader)),
    startPrices: Object.fromEntries(symbols.map((s) => [s, base.startPrices[s] ?? defaultStartPrice(s)])),
    baseVolume: Object.fromEntries(symbols.map((s) => [s, volumeOf(base, s)])),
  };
}

function defaultStartPrice(symbol: string): number {
  return DEFAULT_MARKET_SPEC.startPrices[symbol] ?? 10 + (hashSeed('price', symbol) % 990);
}

function defaultBaseVolume(symbol: string): number {
  const known = (DEFAULT_MARKET_SPEC.baseVolume as Record<string, number>)[symbol];
  return known ?? 200_000 / defaultStartPrice(symbol);
}

function volumeOf(spec: MarketSpec, symbol: string): number {
  if (typeof spec.baseVolume === 'number') return spec.baseVolume;
  return spec.baseVolume[symbol] ?? defaultBaseVolume(symbol);
}

export interface GenerateOptions {
  seed: number;
  interval: Interval;
  /** Open time of bar 0, aligned to the interval. */
  startTime: number;
  bars: number;
}

/** Produces one bar of every symbol per call, forever; bar i is the same whoever asks. */
export interface MarketGenerator {
  readonly symbols: readonly string[];
  readonly rules: Readonly<Record<string, SimInstrumentRules>>;
  /** Bars produced so far; the next call returns bar `barsGenerated`. */
  readonly barsGenerated: number;
  /** The next bar of every symbol, confirmed. */
  next(): Record<string, Candle>;
}

interface SymbolState {
  symbol: string;
  rng: Rng;
  rules: SimInstrumentRules;
  follower: FollowerSpec | undefined;
  baseVolume: number;
  /** Unrounded price level; the printed close is this rounded to the tick. */
  price: number;
  /** Recent log returns, newest last, long enough for the longest lag. */
  returns: number[];
}

/** Leaders before their followers, so a follower reads returns its leader has already drawn. */
function orderByLeader(spec: MarketSpec): string[] {
  const followerOf = new Map(spec.followers.map((f) => [f.symbol, f]));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (symbol: string): void => {
    if (ordered.includes(symbol)) return;
    if (visiting.has(symbol)) throw new Error(`market spec: circular leader chain at ${symbol}`);
    visiting.add(symbol);
    const f = followerOf.get(symbol);
    if (f && spec.symbols.includes(f.leader)) visit(f.leader);
    visiting.delete(symbol);
    ordered.push(symbol);
  };
  for (const symbol of spec.symbols) visit(symbol);
  return ordered;
}

export function createMarketGenerator(
  spec: MarketSpec,
  options: Omit<GenerateOptions, 'bars'>,
): MarketGenerator {
  for (const f of spec.followers) {
    if (!Number.isInteger(f.lag) || f.lag < 1)
      throw new Error(`market spec: lag of ${f.symbol} must be an integer >= 1`);
  }
  const maxLag = Math.max(1, ...spec.followers.map((f) => f.lag));
  const order = orderByLeader(spec);
  const states = new Map<string, SymbolState>();
  const rules: Record<string, SimInstrumentRules> = {};
  for (const symbol of order) {
    const startPrice = spec.startPrices[symbol] ?? defaultStartPrice(symbol);
    const r = instrumentRules(symbol, startPrice);
    rules[symbol] = r;
    const follower = spec.followers.find((f) => f.symbol === symbol && spec.symbols.includes(f.leader));
    states.set(symbol, {
      symbol,
      rng: mulberry32(hashSeed(options.seed, 'market', symbol)),
      rules: r,
      follower,
      baseVolume: volumeOf(spec, symbol),
      price: startPrice,
      returns: new Array<number>(maxLag + 1).fill(0),
    });
  }
  const drift = spec.drift ?? 0;
  let index = 0;

  const regimeMultiplier = (bar: number): number => {
    const regimes = spec.regimes;
    if (!regimes || regimes.volMultipliers.length === 0 || regimes.everyBars <= 0) return 1;
    const k = Math.floor(bar / regimes.everyBars) % regimes.volMultipliers.length;
    return regimes.volMultipliers[k] ?? 1;
  };

  return {
    symbols: [...spec.symbols],
    rules,
    get barsGenerated() {
      return index;
    },
    next() {
      const openTime = addBars(options.startTime, index, options.interval);
      const multiplier = regimeMultiplier(index);
      const out: Record<string, Candle> = {};
      for (const symbol of order) {
        const s = states.get(symbol)!;
        // Fixed draws per bar: return, high wick, low wick, volume.
        const zReturn = normal(s.rng);
        const zHigh = normal(s.rng);
        const zLow = normal(s.rng);
        const zVolume = normal(s.rng);
        let logReturn: number;
        if (s.follower) {
          const leader = states.get(s.follower.leader)!;
          // The leader was processed first this bar, so its newest return is bar t's; t-lag is lag back.
          const leaderReturn = leader.returns[leader.returns.length - 1 - s.follower.lag] ?? 0;
          logReturn = s.follower.beta * leaderReturn + spec.noise * multiplier * zReturn;
        } else {
          logReturn = drift + spec.volatility * multiplier * zReturn;
        }
        s.returns.push(logReturn);
        if (s.returns.length > maxLag + 1) s.returns.shift();

        const d = s.rules.priceDecimals;
        const tick = 10 ** -d;
        const open = roundTo(s.price, d);
        s.price *= Math.exp(logReturn);
        const close = Math.max(tick, roundTo(s.price, d));
        const wickScale = spec.volatility * multiplier * 0.6;
        const high = roundTo(Math.max(open, close) * Math.exp(Math.abs(zHigh) * wickScale), d);
        const low = Math.max(tick, roundTo(Math.min(open, close) * Math.exp(-Math.abs(zLow) * wickScale), d));
        const activity = 1 + Math.abs(logReturn) / Math.max(spec.volatility, 1e-9);
        const rawVolume = s.baseVolume * multiplier * activity * 0.6 * Math.exp(0.4 * zVolume);
        const qtyStep = 10 ** -s.rules.qtyDecimals;
        const volume = Math.max(qtyStep, roundTo(rawVolume, s.rules.qtyDecimals));
        out[symbol] = {
          openTime,
          open,
          high,
          low,
          close,
          volume,
          turnover: turnoverOf(volume, high, low, close),
          confirmed: true,
        };
      }
      index++;
      // Keep the caller's symbol order in the record.
      return Object.fromEntries(spec.symbols.map((symbol) => [symbol, out[symbol]!]));
    },
  };
}

/** Turnover in quote coin: volume x typical price, to 4 decimals. */
export function turnoverOf(volume: number, high: number, low: number, close: number): number {
  return roundTo((volume * (high + low + close)) / 3, 4);
}

/** `bars` confirmed candles per symbol, ascending, every symbol on the same open times. */
export function generateMarket(spec: MarketSpec, options: GenerateOptions): Record<string, Candle[]> {
  const generator = createMarketGenerator(spec, options);
  const out: Record<string, Candle[]> = Object.fromEntries(spec.symbols.map((s) => [s, [] as Candle[]]));
  for (let i = 0; i < options.bars; i++) {
    const bar = generator.next();
    for (const symbol of spec.symbols) out[symbol]!.push(bar[symbol]!);
  }
  return out;
}

/** Decimals used to print a series' prices and volumes in partial states. */
export interface PartialPrecision {
  priceDecimals: number;
  qtyDecimals: number;
}

/**
 * The state of a forming bar after `fraction` (0..1) of it has traded, ending exactly at `final`.
 * The open is fixed; the close wanders toward the final close; high and low never leave the final's
 * range and, given the previous partial, never shrink; volume grows monotonically to the final's.
 * At fraction 1 the result equals `final` (apart from `confirmed`, which stays false).
 */
export function partialCandle(
  final: Candle,
  fraction: number,
  rng: Rng,
  previous?: Candle,
  precision: PartialPrecision = { priceDecimals: 8, qtyDecimals: 8 },
): Candle {
  const f = Math.min(1, Math.max(0, fraction));
  if (f >= 1) return { ...final, confirmed: false };
  const { priceDecimals: pd, qtyDecimals: qd } = precision;
  const drift = final.open + (final.close - final.open) * f;
  const wander = (rng() - 0.5) * (final.high - final.low) * (1 - f);
  const close = roundTo(Math.min(final.high, Math.max(final.low, drift + wander)), pd);
  // The path reaches part of the final wicks as time goes on.
  const reachHigh = final.high - Math.max(final.open, final.close);
  const reachLow = Math.min(final.open, final.close) - final.low;
  const pathHigh = roundTo(Math.max(final.open, close) + reachHigh * f * rng(), pd);
  const pathLow = roundTo(Math.min(final.open, close) - reachLow * f * rng(), pd);
  const high = Math.min(final.high, Math.max(pathHigh, close, final.open, previous?.high ?? -Infinity));
  const low = Math.max(final.low, Math.min(pathLow, close, final.open, previous?.low ?? Infinity));
  const volume = Math.min(final.volume, Math.max(previous?.volume ?? 0, roundTo(final.volume * f, qd)));
  return {
    openTime: final.openTime,
    open: final.open,
    high,
    low,
    close,
    volume,
    turnover: turnoverOf(volume, high, low, close),
    confirmed: false,
  };
}

// The embedded simulator: when the feed in force is 'simulator' and no URLs are given, the core runs
// the project's Bybit-v5 simulator on 127.0.0.1 (ephemeral port) and points the market clients at it.
// This is the offline default and what `npm run demo` streams from.
import type { Settings } from '../../shared/contract';
import { intervalMs, type Interval } from '../../shared/domain';
import { DEFAULT_MARKET_SPEC, startSimulator, type Simulator } from './market/simulator';

export const SIMULATOR_FEED = 'simulator';

/** One bar of accelerated time per second: a chart visibly moves, whatever the interval. */
const EMBEDDED_BAR_MS = 1_000;
const EMBEDDED_HISTORY_BARS = 1_000;
const EMBEDDED_SEED = 7;

/** The newest stored bar of the simulator feed for these series: its open time and each symbol's last close. */
export interface StoredEnd {
  openTime: number;
  closes: Record<string, number>;
}
export type LastStored = (interval: Interval, symbols: readonly string[]) => StoredEnd | null;

/**
 * Where a run of the simulator starts so that the stored series goes on as one path: its first bar
 * opens right after the last stored one (or, when the wall clock is further on, at most
 * EMBEDDED_HISTORY_BARS before now, leaving a gap in time but no jump in price), from the stored closes.
 * Each run draws fresh returns (the seed mixes in the bar it starts at), so a restart does not replay the
 * previous run's path either.
 */
export function continuation(
  interval: Interval,
  end: StoredEnd | null,
  now: number,
): { startTime: number; historyBars: number; seed: number; startPrices: Record<string, number> } {
  const barMs = intervalMs(interval);
  if (end === null) {
    return { startTime: now, historyBars: EMBEDDED_HISTORY_BARS, seed: EMBEDDED_SEED, startPrices: {} };
  }
  const next = end.openTime + barMs;
  const barsToNow = Math.floor((now - next) / barMs);
  const historyBars = Math.max(0, Math.min(EMBEDDED_HISTORY_BARS, barsToNow));
  return {
    startTime: historyBars === 0 ? Math.max(next, now) : now,
    historyBars,
    seed: (EMBEDDED_SEED * 1_000_003 + Math.floor(next / barMs)) % 2_147_483_647,
    startPrices: end.closes,
  };
}

export class EmbeddedFeed {
  private simulator: Simulator | null = null;
  private runningFor: string | null = null;
  private pending: Promise<void> = Promise.resolve();

  /**
   * Its accelerated clock runs ahead of the wall clock, so a previous run may have stored bars
   * "in the future": a new run starts after them, never among them.
   */
  constructor(private readonly lastStored: LastStored = () => null) {}

  /** The simulated exchange time while the simulator runs, else null. */
  now(): number | null {
    return this.simulator?.now() ?? null;
  }

  /** Simulated ms per wall-clock ms while the simulator runs, else null. */
  speed(): number | null {
    if (!this.simulator || this.runningFor === null) return null;
    const interval = this.runningFor.split('|')[0] as Interval;
    return intervalMs(interval) / EMBEDDED_BAR_MS;
  }

  /** Whether these settings read from the embedded simulator. */
  static wanted(settings: Settings): boolean {
    return settings.feed === SIMULATOR_FEED && !settings.restUrl && !settings.wsUrl;
  }

  /** Starts, restarts (other symbols or interval) or stops the simulator to match the settings. */
  sync(settings: Settings): Promise<void> {
    this.pending = this.pending.then(() => this.apply(settings));
    return this.pending;
  }

  /** The settings with the embedded simulator's URLs filled in when it is the feed. */
  resolve(settings: Settings): Settings {
    if (!EmbeddedFeed.wanted(settings) || !this.simulator) return settings;
    return { ...settings, restUrl: this.simulator.restUrl, wsUrl: this.simulator.wsUrl };
  }

  async close(): Promise<void> {
    await this.pending.catch(() => undefined);
    await this.stop();
  }

  private async apply(settings: Settings): Promise<void> {
    if (!EmbeddedFeed.wanted(settings)) return this.stop();
    const key = `${settings.interval}|${settings.symbols.join(',')}`;
    if (this.simulator && this.runningFor === key) return;
    await this.stop();
    const start = continuation(
      settings.interval,
      this.lastStored(settings.interval, settings.symbols),
      Date.now(),
    );
    this.simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      seed: start.seed,
      interval: settings.interval,
      symbols: settings.symbols,
      market: {
        ...DEFAULT_MARKET_SPEC,
        startPrices: { ...DEFAULT_MARKET_SPEC.startPrices, ...start.startPrices },
      },
      barMs: EMBEDDED_BAR_MS,
      historyBars: start.historyBars,
      startTime: start.startTime,
    });
    this.runningFor = key;
  }

  private async stop(): Promise<void> {
    const simulator = this.simulator;
    this.simulator = null;
    this.runningFor = null;
    if (simulator) await simulator.close();
  }
}

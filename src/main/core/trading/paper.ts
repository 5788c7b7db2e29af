// Paper trading on the live stream through the same engine as backtests. The trader listens for closed
// candles of its series; whenever one arrives it applies, in order, every stored bar (all symbols
// closed) after the last one it applied, so a bar delivered late, filled from REST after a reconnect or
// stored while the app was closed is traded exactly once. Each bar is one transaction (fills, equity
// mark, engine snapshot; see paper.repo.ts); events go out after the commit.
import type { BacktestStrategyName } from '../../../shared/contract/backtest';
import type { PaperAccount, PaperError } from '../../../shared/contract/paper';
import { intervalMs, utcMinute, type Interval } from '../../../shared/domain';
import { CoreError, toErrorShape } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { CoreEvents } from '../events';
import type { CandlesRepo } from '../store/candles.repo';
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import type { PaperAccountRow, PaperRepo } from '../store/paper.repo';
import type { PaperResumeRepo } from '../store/paper-resume.repo';
import type { CostModel } from './broker';
import { TradingEngine, type EngineSnapshot } from './engine';
import { StoredFundingFeed } from './funding';
import { instrumentsForRun } from './instruments';
import { alignMarketData, barAt, type MarketData } from './market-data';
import type { RiskConfig } from './risk';
import { buildStrategy, type ModelStrategyProvider } from './strategies';

export interface PaperDeps {
  candles: CandlesRepo;
  paper: PaperRepo;
  events: CoreEvents;
  clock: Clock;
  model?: ModelStrategyProvider;
  /** Remembers which account runs, so that the next start of the app resumes it. */
  resume?: PaperResumeRepo;
  /** The feed's stored lot rules (else derived ones). */
  instruments?: InstrumentsRepo;
  /** The feed's stored funding: applied as it is settled; without, funding is not modelled. */
  funding?: FundingRepo;
}

export interface PaperSettings {
  accountId: string;
  feed: string;
  symbols: string[];
  interval: Interval;
  strategy: BacktestStrategyName;
  initialCapital: number;
  costs: Partial<CostModel>;
  risk: Partial<RiskConfig>;
  trainBars: number;
  /** With strategy 'model': the model to trade; default the newest matching one. */
  modelId?: string;
}

interface StoredParams {
  initialCapital: number;
  costs: Partial<CostModel>;
  risk: Partial<RiskConfig>;
  trainBars: number;
  /** What the strategy fitted, to rebuild it identically on restart. */
  strategyState: unknown;
}

/** Bars of history kept in memory: the longest lookback of any strategy with room to spare. */
const HISTORY_BARS = 1_000;
/** Bars a hole in the stored data is waited for (the stream refetches it) before it is traded past. */
const HOLE_PATIENCE_BARS = 10;

export class PaperTrader {
  private engine: TradingEngine | null = null;
  private account: PaperAccountRow | null = null;
  private unsubscribe: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** The failure as the contract shows it (PaperAccount.error); cleared by the next start. */
  private error: PaperError | null = null;
  /** Open time of the last bar applied and committed, or null. */
  private lastApplied: number | null = null;
  /** What happened to the account that the user did not ask for (see PaperAccount.notice). */
  private notice: string | null = null;

  constructor(private readonly deps: PaperDeps) {}

  get running(): boolean {
    return this.unsubscribe !== null;
  }

  get accountId(): string | null {
    return this.account?.id ?? null;
  }

  /** The model the running account trades, or null (not running, or a strategy without a model). */
  get tradingModelId(): string | null {
    return this.running ? (this.account?.modelId ?? null) : null;
  }

  /** Creates or resumes the account, applies every stored bar it has not applied, then follows the stream. */
  async start(settings: PaperSettings, reset = false, notice: string | null = null): Promise<PaperAccount> {
    await this.stop();
    const { paper } = this.deps;
    let row = paper.get(settings.accountId);
    if (row && reset) {
      paper.delete(settings.accountId);
      row = null;
    }
    if (row && !sameSeries(row, settings)) {
      throw new CoreError(
        'CONFLICT',
        `Paper account '${row.id}' trades ${row.strategy} on ${row.symbols.join(',')} ${row.interval} (${row.feed}). ` +
          'Start it with those settings to resume, pass reset to start it afresh, or choose another account id.',
      );
    }
    const barMs = intervalMs(settings.interval);
    const fresh = row === null;
    let startTime: number;
    let history: MarketData;
    if (row) {
      startTime = row.startTime;
      history = this.load(
        row.feed,
        row.symbols,
        row.interval,
        startTime - 1 - (this.trainBarsOf(row) + 1) * barMs,
        startTime - 1,
      );
    } else {
      const latest = this.latestCommonTime(settings);
      startTime = latest === null ? Math.floor(this.deps.clock.now() / barMs) * barMs : latest + barMs;
      history = this.load(
        settings.feed,
        settings.symbols,
        settings.interval,
        startTime - (settings.trainBars + 1) * barMs,
        startTime - 1,
      );
    }
    const stored = row ? (row.params as StoredParams) : null;
    const built = await buildStrategy((row?.strategy ?? settings.strategy) as BacktestStrategyName, {
      symbols: row?.symbols ?? settings.symbols,
      interval: row?.interval ?? settings.interval,
      history,
      trainBars: stored?.trainBars ?? settings.trainBars,
      saved: stored?.strategyState,
      savedModelId: row?.modelId ?? settings.modelId ?? null,
      model: this.deps.model,
    });
    if (fresh) {
      const params: StoredParams = {
        initialCapital: settings.initialCapital,
        costs: settings.costs,
        risk: settings.risk,
        trainBars: settings.trainBars,
        strategyState: built.saved,
      };
      row = paper.create({
        id: settings.accountId,
        createdAt: this.deps.clock.now(),
        feed: settings.feed,
        symbols: settings.symbols,
        interval: settings.interval,
        strategy: settings.strategy,
        params,
        startTime,
        modelId: built.modelId,
      });
    }
    const account = row!;
    const params = account.params as StoredParams;
    const firstPrices =
      history.times.length > 0
        ? account.symbols.map((_, i) => history.close[i]!)
        : account.symbols.map(() => 1);
    const engine = new TradingEngine(
      {
        symbols: account.symbols,
        instruments: instrumentsForRun(this.deps.instruments, account.feed, account.symbols, firstPrices)
          .specs,
        ...(this.deps.funding
          ? { funding: new StoredFundingFeed(this.deps.funding, account.feed, account.symbols) }
          : {}),
        initialCapital: params.initialCapital,
        costs: params.costs,
        risk: params.risk,
        tradeFrom: account.startTime,
        maxHistory: Math.max(HISTORY_BARS, (built.strategy.warmupBars ?? 0) + 10),
      },
      built.strategy,
    );
    // History up to the last applied bar (or up to the start), then the saved book.
    const warmTo = account.lastBarTime ?? account.startTime - 1;
    const warmBars = this.load(
      account.feed,
      account.symbols,
      account.interval,
      warmTo - HISTORY_BARS * barMs,
      warmTo,
    );
    for (let b = 0; b < warmBars.times.length; b++) engine.warm(barAt(warmBars, b));
    if (account.snapshot) engine.restore(account.snapshot as EngineSnapshot);
    this.engine = engine;
    this.account = account;
    this.failure = null;
    this.error = null;
    this.lastApplied = account.lastBarTime;
    this.notice = notice;

    await this.catchUp();
    this.unsubscribe = this.deps.events.on('market.candle', (event) => {
      const a = this.account;
      if (!a || !event.candle.confirmed || event.feed !== a.feed || event.interval !== a.interval) return;
      if (!a.symbols.includes(event.symbol)) return;
      void this.schedule();
    });
    this.deps.resume?.set(account.id, true);
    this.emitState();
    return this.accountView()!;
  }

  /**
   * Stops following the stream; the account stays in the store and resumes on the next start. With
   * `notice`, says why (the user did not ask for it). `keepResume`: the app is closing, not the user
   * stopping, so the app's next start resumes the account.
   */
  async stop(notice: string | null = null, keepResume = false): Promise<PaperAccount | null> {
    const wasRunning = this.running;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.chain;
    if (wasRunning && this.account) {
      if (!keepResume) this.deps.resume?.set(this.account.id, false);
      this.notice = notice;
      this.emitState();
    }
    return this.accountView();
  }

  private emitState(): void {
    if (!this.account) return;
    this.deps.events.emit('paper.state', {
      accountId: this.account.id,
      running: this.running,
      notice: this.notice,
    });
  }

  /** Applies every stored bar not yet applied; serialised so that two triggers never interleave. */
  schedule(): Promise<void> {
    this.chain = this.chain
      .then(() => this.catchUp())
      .catch((err: unknown) => {
        // A failing bar stops the trader rather than skipping the bar: the account stays consistent.
        this.failure = err;
        this.unsubscribe?.();
        this.unsubscribe = null;
        console.error('paper trading stopped:', err);
        if (this.account) this.deps.resume?.set(this.account.id, false);
        this.notice = `Stopped by an error: ${err instanceof Error ? err.message : String(err)}`;
        this.error = paperError(err, this.nextBarTime(), this.deps.clock.now());
        this.emitState();
      });
    return this.chain;
  }

  /** Open time of the bar the account applies next, or null when no account is loaded. */
  private nextBarTime(): number | null {
    const account = this.account;
    if (!account) return null;
    return this.lastApplied === null ? account.startTime : this.lastApplied + intervalMs(account.interval);
  }

  /** The error that stopped the trader, if any. */
  get lastError(): unknown {
    return this.failure;
  }

  accountView(): PaperAccount | null {
    const account = this.account;
    const engine = this.engine;
    if (!account || !engine) return null;
    const state = engine.currentState;
    const params = account.params as StoredParams;
    const p = engine.portfolio;
    return {
      id: account.id,
      running: this.running,
      feed: account.feed,
      symbols: account.symbols,
      interval: account.interval,
      strategy: account.strategy,
      modelId: account.modelId,
      createdAt: account.createdAt,
      startTime: account.startTime,
      lastBarTime: this.lastApplied,
      initialCapital: params.initialCapital,
      equity: state.equity,
      cash: state.cash,
      gross: state.gross,
      peakEquity: state.peakEquity,
      drawdown: state.drawdown,
      killed: state.killed,
      totalFees: p.totalFees(),
      totalFunding: p.totalFunding(),
      positions: account.symbols.map((symbol, i) => {
        // No bar yet (a fresh account on an empty store): no price, shown as such (0 → "—").
        const close = engine.lastClose(i);
        const price = Number.isFinite(close) ? close : 0;
        const quantity = p.quantities[i]!;
        return {
          symbol,
          quantity,
          averageEntry: p.averageEntry[i]!,
          price,
          value: quantity * price,
          weight: state.weights[i]!,
          unrealisedPnl: p.unrealised(i, price),
          realisedPnl: p.realised[i]!,
          fees: p.fees[i]!,
          funding: p.funding[i]!,
        };
      }),
      pendingOrders: engine.pendingOrders.map((o) => ({
        symbol: o.symbol,
        quantity: o.quantity,
        decidedAt: o.decidedAt,
        reason: o.reason,
      })),
      notice: this.notice,
      error: this.error,
    };
  }

  private async catchUp(): Promise<void> {
    const engine = this.engine;
    const account = this.account;
    if (!engine || !account) return;
    const from =
      engine.lastBarTime === -Infinity
        ? account.startTime - HISTORY_BARS * intervalMs(account.interval)
        : engine.lastBarTime + 1;
    const through = this.completeThrough(account, Math.max(from, account.startTime));
    const data = this.load(account.feed, account.symbols, account.interval, from, through);
    for (let b = 0; b < data.times.length; b++) {
      const time = data.times[b]!;
      const strategy = engine.currentStrategy;
      if (strategy.prepare && time >= account.startTime && engine.willAskAt(time)) {
        // A model predicts asynchronously: from the stored bars up to and including this one.
        const barMs = intervalMs(account.interval);
        const bars = Math.max(HISTORY_BARS, strategy.warmupBars ?? 0);
        const window = this.load(account.feed, account.symbols, account.interval, time - bars * barMs, time);
        await strategy.prepare({ data: window, bars: [window.times.length - 1] });
      }
      this.applyBar(engine, account, data, b);
    }
  }

  private applyBar(engine: TradingEngine, account: PaperAccountRow, data: MarketData, b: number): void {
    const bar = barAt(data, b);
    if (bar.time < account.startTime) {
      engine.warm(bar);
      return;
    }
    const wasKilled = engine.currentState.killed;
    const step = engine.onBar(bar);
    const s = step.state;
    const fills = step.fills.map((f) => ({ ...f }));
    const funding = step.funding.map((f) => ({ ...f }));
    const applied = this.deps.paper.applyBar({
      accountId: account.id,
      time: bar.time,
      updatedAt: this.deps.clock.now(),
      fills,
      funding,
      mark: {
        time: bar.time,
        equity: s.equity,
        cash: s.cash,
        gross: s.gross,
        drawdown: s.drawdown,
        weights: Array.from(s.weights),
      },
      snapshot: engine.snapshot(),
    });
    if (!applied) {
      throw new CoreError(
        'CONFLICT',
        `Paper account '${account.id}' already applied the bar at ${utcMinute(bar.time)}: another trader runs on the same data.`,
      );
    }
    this.lastApplied = bar.time;
    const events = this.deps.events;
    for (const fill of fills) events.emit('paper.fill', { accountId: account.id, fill });
    events.emit('paper.weights', {
      accountId: account.id,
      time: bar.time,
      symbols: account.symbols,
      weights: Array.from(s.weights),
      target: step.targetWeights ? Array.from(step.targetWeights) : null,
    });
    const attention = step.decision?.attention;
    if (attention) {
      events.emit('paper.attention', {
        accountId: account.id,
        time: bar.time,
        symbols: account.symbols,
        matrix: attention.matrix,
        lagWeights: attention.lagWeights ?? null,
        ...(attention.heads ? { heads: attention.heads } : {}),
      });
    }
    events.emit('paper.equity', {
      accountId: account.id,
      time: bar.time,
      equity: s.equity,
      cash: s.cash,
      gross: s.gross,
      drawdown: s.drawdown,
      killed: s.killed,
    });
    if (s.killed && !wasKilled) {
      const limit = (account.params as StoredParams).risk.killDrawdown;
      this.notice =
        `Kill switch tripped at ${utcMinute(bar.time)}: ` +
        `drawdown ${(s.drawdown * 100).toFixed(1)}%${limit !== undefined ? ` reached the ${(limit * 100).toFixed(1)}% limit` : ''}; ` +
        'the book is flattened and trades no more. Start afresh to trade again.';
      this.emitState();
    }
  }

  private load(feed: string, symbols: string[], interval: Interval, from: number, to: number): MarketData {
    const candles = Object.fromEntries(
      symbols.map((symbol) => [
        symbol,
        this.deps.candles.range({ feed, symbol, interval }, { from: Math.max(0, from), to }),
      ]),
    );
    return alignMarketData(symbols, candles);
  }

  /**
   * The last open time up to which every symbol's confirmed bars are complete from `from` on. A confirm
   * the stream dropped is fetched again from REST a little later; applying a later bar first would skip
   * that bar for good (and part from the backtest of the same data). A hole older than
   * HOLE_PATIENCE_BARS behind the newest bar is taken as missing at the exchange and traded past, as a
   * backtest over the same store does.
   */
  private completeThrough(account: PaperAccountRow, from: number): number {
    const barMs = intervalMs(account.interval);
    const keys = account.symbols.map((symbol) => ({
      feed: account.feed,
      symbol,
      interval: account.interval,
    }));
    const lasts = keys.map((key) => this.deps.candles.lastConfirmed(key)?.openTime ?? null);
    if (lasts.some((last) => last === null)) return -Infinity;
    const newest = Math.max(...(lasts as number[]));
    let through = Infinity;
    keys.forEach((key, i) => {
      const last = lasts[i]!;
      const holes = last < from ? [] : this.deps.candles.missingOpenTimes(key, from, last, barMs);
      const awaited = holes.find((t) => t > newest - HOLE_PATIENCE_BARS * barMs);
      through = Math.min(through, awaited === undefined ? last : awaited - 1);
    });
    return Math.min(through, this.fundingKnownThrough(account, newest));
  }

  /**
   * Funding is settled on the position held at its time, so a bar starting at or after a funding time
   * waits until that time's rate is stored (the stream confirms it from REST just after it), for at
   * most HOLE_PATIENCE_BARS; a feed without stored funding history does not wait.
   */
  private fundingKnownThrough(account: PaperAccountRow, newest: number): number {
    const repo = this.deps.funding;
    if (!repo) return Infinity;
    const barMs = intervalMs(account.interval);
    let through = Infinity;
    for (const symbol of account.symbols) {
      const checkedTo = repo.coverage(account.feed, symbol).checkedTo;
      if (checkedTo === null) continue;
      const minutes = this.deps.instruments?.get(account.feed, symbol)?.fundingIntervalMinutes ?? 480;
      const every = minutes * 60_000;
      const next = Math.floor(checkedTo / every) * every + every;
      if (newest - next < HOLE_PATIENCE_BARS * barMs) through = Math.min(through, next - 1);
    }
    return through;
  }

  private latestCommonTime(settings: PaperSettings): number | null {
    let latest = Infinity;
    for (const symbol of settings.symbols) {
      const last = this.deps.candles.lastConfirmed({
        feed: settings.feed,
        symbol,
        interval: settings.interval,
      });
      if (!last) return null;
      latest = Math.min(latest, last.openTime);
    }
    return latest;
  }

  private trainBarsOf(row: PaperAccountRow): number {
    return (row.params as StoredParams).trainBars;
  }
}

function sameSeries(row: PaperAccountRow, s: PaperSettings): boolean {
  return (
    row.feed === s.feed &&
    row.interval === s.interval &&
    row.strategy === s.strategy &&
    row.symbols.length === s.symbols.length &&
    row.symbols.every((x, i) => x === s.symbols[i])
  );
}

/** The contract's view of a failure on a bar: its code, a message, the bar, and what to do. */
function paperError(err: unknown, barTime: number | null, now: number): PaperError {
  const shape = toErrorShape(err);
  return {
    code: shape.code,
    message: shape.message,
    barTime,
    at: now,
    action:
      'The account is kept as of the last bar it applied. Fix the cause (e.g. free disk space, or train ' +
      'the model again), then press Start to resume from that bar; nothing is skipped.',
  };
}

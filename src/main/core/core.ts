// The composition root: opens the store, builds each domain's handlers over shared services (events,
// jobs, clock, settings) and exposes one dispatch for every host. Later domains add one
// `...createXHandlers(deps)` spread below; nothing else here should grow.
import type { Settings } from '../../shared/contract';
import type { MarketStatus } from '../../shared/domain';
import { createDispatch, type CallContext, type Dispatch, type Handlers } from '../../shared/rpc';
import { systemClock, type Clock } from './clock';
import { databaseFile } from './config';
import { EmbeddedFeed, SIMULATOR_FEED } from './embedded-feed';
import { CoreEvents } from './events';
import { JobRegistry } from './jobs';
import { createMarketHandlers } from './market/handlers';
import { SettingsService, STREAM_KEYS } from './settings';
import { openDatabase } from './store/db';
import { CandlesRepo } from './store/candles.repo';
import { FundingRepo } from './store/funding.repo';
import { InstrumentsRepo } from './store/instruments.repo';
import { SettingsRepo } from './store/settings.repo';
import { ModelsRepo } from './store/models.repo';
import { backendChoice, chooseBackends, createModelHandlers, currentBackend } from './model/handlers';
import { BacktestsRepo } from './store/backtests.repo';
import { PaperRepo } from './store/paper.repo';
import { PaperResumeRepo } from './store/paper-resume.repo';
import { createBacktestHandlers, createPaperHandlers } from './trading/handlers';
import { modelPaperProvider } from './trading/model-strategy';

export interface CoreConfig {
  /** Holds crossdesk.db; created if missing. */
  dataDir: string;
  clock?: Clock;
  /** Applied over the saved settings for this run only; never persisted. */
  settingsOverrides?: Partial<Settings>;
  /** better-sqlite3 addon built for another ABI (the Electron host); default: the Node build. */
  sqliteBinding?: string;
  /**
   * Resume the paper account that was running when the app last stopped (the app's hosts; not the
   * CLI, whose commands must not start trading behind the user's back). Default false.
   */
  resumePaper?: boolean;
}

export interface Core {
  dispatch: Dispatch;
  events: CoreEvents;
  jobs: JobRegistry;
  /** Saved and effective settings, for hosts deciding start-up defaults. */
  settings: SettingsService;
  /**
   * Applies run-only settings (e.g. the offline fallback to the simulator) with a note the status
   * shows while no other reason applies; restarts the stream if it is running.
   */
  overrideSettings(patch: Partial<Settings>, notice?: string): Promise<Settings>;
  /** With `resumePaper`: settles once the paper account that was running has resumed (or could not). */
  paperResumed: Promise<string | null>;
  close(): Promise<void>;
}

/** Makes the status say why the feed is what it is (e.g. "Bybit unreachable: simulator"). */
class CoreEventsWithNotice extends CoreEvents {
  notice: string | null = null;

  decorate(status: MarketStatus): MarketStatus {
    return status.reason === null && this.notice ? { ...status, reason: this.notice } : status;
  }
}

export async function createCore(config: CoreConfig): Promise<Core> {
  const db = openDatabase(databaseFile(config.dataDir), { nativeBinding: config.sqliteBinding });
  const candles = new CandlesRepo(db);
  const instruments = new InstrumentsRepo(db);
  const funding = new FundingRepo(db);
  const settings = new SettingsService(new SettingsRepo(db), config.settingsOverrides);
  const events = new CoreEventsWithNotice();
  const jobs = new JobRegistry(events);
  const embeddedFeed = new EmbeddedFeed((interval, symbols) => {
    const lasts = symbols.flatMap((symbol) => {
      const last = candles.lastConfirmed({ feed: SIMULATOR_FEED, symbol, interval });
      return last ? [{ symbol, last }] : [];
    });
    if (lasts.length === 0) return null;
    return {
      openTime: Math.max(...lasts.map((l) => l.last.openTime)),
      closes: Object.fromEntries(lasts.map((l) => [l.symbol, l.last.close])),
    };
  });
  // The exchange's time: the embedded simulator runs an accelerated clock of its own.
  const clock: Clock = config.clock ?? {
    now: () => embeddedFeed.now() ?? systemClock.now(),
    speed: () => embeddedFeed.speed() ?? 1,
  };

  const closeEmbedded = async () => embeddedFeed.close();
  try {
    await embeddedFeed.sync(settings.current());
  } catch (err) {
    db.close();
    throw err;
  }

  const market = createMarketHandlers({
    candles,
    instruments,
    funding,
    settings: () => embeddedFeed.resolve(settings.current()),
    events,
    jobs,
    clock,
    backend: () => currentBackend(),
    backendJobs: () => {
      const choice = backendChoice();
      return (
        choice && {
          training: choice.training,
          decisions: choice.decisions,
          how: choice.how,
          concurrentTrainings: choice.concurrentTrainings,
          graphs: choice.graphs,
        }
      );
    },
    // The model paper trading runs now, else the one chosen for it (read at status time, once
    // `paper` below exists).
    activeModelId: () => paper.trader.tradingModelId ?? settings.current().activeModelId,
  });
  // Models and backtests are stamped with the wall clock (when the user made them), not the exchange's
  // time, which the embedded simulator runs fast.
  const recordClock = config.clock ?? systemClock;
  const model = createModelHandlers({
    models: new ModelsRepo(db),
    candles,
    events,
    jobs,
    clock: recordClock,
  });
  // Choose the TensorFlow.js backend of each model job now (a second or two of measurement, off the
  // request path: model calls wait for it) so that the status bar can show them.
  void chooseBackends({ now: () => performance.now() }).catch((err: unknown) =>
    console.error('no TensorFlow.js backend:', err),
  );

  const backtest = createBacktestHandlers({
    candles,
    instruments,
    funding,
    backtests: new BacktestsRepo(db),
    jobs,
    clock: recordClock,
    model: model.service,
    // Lets progress events and job.cancel through between chunks of bars.
    pause: () => new Promise((resolve) => setImmediate(resolve)),
  });
  const paper = createPaperHandlers({
    candles,
    instruments,
    funding,
    paper: new PaperRepo(db),
    events,
    clock,
    model: modelPaperProvider(model.service),
    settings: () => embeddedFeed.resolve(settings.current()),
    resume: new PaperResumeRepo(db),
  });

  const withNotice = <M extends 'market.status' | 'market.stream.start' | 'market.stream.stop'>(
    method: M,
  ) => {
    const handler = market.handlers[method] as (
      p: unknown,
      c: CallContext,
    ) => Promise<MarketStatus> | MarketStatus;
    return (async (params: unknown, context: CallContext) =>
      events.decorate(await handler(params, context))) as unknown as Handlers[M];
  };

  /** A running stream follows the settings: stop and start again with the new ones. */
  const restartStreamIfRunning = async (): Promise<void> => {
    const context = { signal: new AbortController().signal };
    const status = (await dispatch('market.status', {}, context)) as MarketStatus;
    if (status.connection === 'idle') return;
    await dispatch('market.stream.stop', {}, context);
    await dispatch('market.stream.start', {}, context);
  };

  const handlers: Handlers = {
    ...market.handlers,
    ...model.handlers,
    ...backtest.handlers,
    ...paper.handlers,
    'market.status': withNotice('market.status'),
    'market.stream.start': withNotice('market.stream.start'),
    'market.stream.stop': withNotice('market.stream.stop'),
    'settings.get': () => settings.current(),
    'settings.set': async (patch) => {
      const { settings: next, changed } = settings.update(patch);
      if (changed(['feed', 'restUrl', 'wsUrl'])) events.notice = null;
      if (changed(STREAM_KEYS)) {
        await paperResumed;
        await paper.followSettings(next);
        await embeddedFeed.sync(next);
        await restartStreamIfRunning();
      }
      events.emit('settings.changed', next);
      return next;
    },
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  };
  const dispatch = createDispatch(handlers);
  const paperResumed: Promise<string | null> = config.resumePaper
    ? paper.resumeSaved().catch((err: unknown) => {
        console.error('resuming paper trading:', err);
        return null;
      })
    : Promise.resolve(null);

  let closing: Promise<void> | null = null;
  return {
    dispatch,
    events,
    jobs,
    settings,
    paperResumed,
    async overrideSettings(patch, notice) {
      const before = settings.current();
      const next = settings.override(patch);
      events.notice = notice ?? null;
      const changed = STREAM_KEYS.some((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]));
      if (changed) {
        await paperResumed;
        await paper.followSettings(next);
        await embeddedFeed.sync(next);
        await restartStreamIfRunning();
      }
      events.emit('settings.changed', next);
      return next;
    },
    close() {
      closing ??= (async () => {
        jobs.cancelAll();
        await paperResumed;
        await paper.close().catch((err: unknown) => console.error('closing paper trading:', err));
        await market.close().catch((err: unknown) => console.error('closing market:', err));
        model.close();
        await closeEmbedded().catch((err: unknown) => console.error('closing simulator:', err));
        db.close();
      })();
      return closing;
    },
  };
}

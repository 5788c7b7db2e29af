// The market service: one live ingest at a time (feed, symbols and interval from the call or the
// settings), backfills as jobs, stored-candle reads, CSV import. It turns the ingest's status into
// the MarketStatus the status bar shows and emits market.status on every change of state.
import type { CallResult, HandlerParams, Settings } from '../../../shared/contract';
import type {
  BackendName,
  InstrumentRules,
  Interval,
  MarketStatus,
  UserInstrumentRules,
} from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { CoreEvents } from '../events';
import type { JobRegistry } from '../jobs';
import type { CandlesRepo } from '../store/candles.repo';
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import { backfill } from './backfill';
import { BybitRest, type BybitRestOptions } from './bybit-rest';
import { parseOhlcvCsvInSlices, writeCandles } from './csv-import';
import { UploadStore } from './uploads';
import { parseFundingCsvInSlices, writeFunding } from './funding-csv';
import { SerialQueue } from '../serial-queue';
import { resolveFeed, resolveRestUrl } from './feeds';
import { gapRanges } from './gap-ranges';
import { FundingUpkeep } from './funding-upkeep';
import { userRules } from './user-instruments';
import { LiveIngest, type IngestStatus, type StreamTuning } from './ingest';
import { SIMULATOR_FEED } from './feeds';

export interface MarketDeps {
  candles: CandlesRepo;
  /** Instrument rules per feed, refreshed on backfill and stream start. */
  instruments?: InstrumentsRepo;
  /** Funding history per feed, downloaded with candles and kept current while streaming. */
  funding?: FundingRepo;
  settings: () => Settings;
  events: CoreEvents;
  jobs: JobRegistry;
  clock: Clock;
  backend: () => BackendName;
  /** Which backend serves which model job (model/backend-choice.ts); null while measuring. */
  backendJobs?: () => MarketStatus['backendJobs'];
  activeModelId?: () => string | null;
  /** Test and bench knobs: retry policy, websocket timings. */
  tuning?: { rest?: Partial<Omit<BybitRestOptions, 'baseUrl'>>; stream?: StreamTuning; fillRetryMs?: number };
}

interface StreamConfig {
  feed: string;
  symbols: string[];
  interval: Interval;
  restUrl: string;
  wsUrl: string;
}

export class MarketService {
  private ingest: LiveIngest | null = null;
  private upkeep: FundingUpkeep | null = null;
  private config: StreamConfig | null = null;
  private ingestStatus: IngestStatus | null = null;
  private lastEmitted = '';
  /** Start, stop and close run one at a time, so two quick starts never leave two ingests running. */
  private readonly queue = new SerialQueue();
  private closed = false;
  private readonly uploads = new UploadStore();

  constructor(private readonly deps: MarketDeps) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  status(): MarketStatus {
    const settings = this.deps.settings();
    const config = this.config;
    // Read from the running ingest: the snapshot its onStatus last sent changes with its state only, so
    // its frame time and latency would freeze while frames keep coming.
    const s = this.ingest?.status() ?? this.ingestStatus;
    return {
      feed: config?.feed ?? settings.feed,
      interval: config?.interval ?? settings.interval,
      symbols: config?.symbols ?? settings.symbols,
      connection: this.ingest && s ? s.connection : 'idle',
      reason: this.ingest && s ? (s.reason ?? s.fillError) : null,
      lastFrameAt: s?.lastFrameAt ?? null,
      // Measured on the exchange's clock; shown in wall-clock ms (the embedded simulator runs fast).
      lastFrameLatencyMs:
        s?.lastFrameLatencyMs == null ? null : s.lastFrameLatencyMs / (this.deps.clock.speed?.() ?? 1),
      // In wall-clock ms too, so that the window can tell a silent stream from a live one.
      lastFrameAgeMs:
        s?.lastFrameAt == null
          ? null
          : Math.max(0, (this.deps.clock.now() - s.lastFrameAt) / (this.deps.clock.speed?.() ?? 1)),
      reconnects: s?.reconnects ?? 0,
      backend: this.deps.backend(),
      backendJobs: this.deps.backendJobs?.() ?? null,
      activeModelId: this.deps.activeModelId?.() ?? null,
    };
  }

  startStream(params: HandlerParams<'market.stream.start'>): Promise<MarketStatus> {
    return this.serial(() => this.startNow(params));
  }

  private async startNow(params: HandlerParams<'market.stream.start'>): Promise<MarketStatus> {
    if (this.closed) throw new CoreError('CONFLICT', 'The core is shutting down; the stream cannot start.');
    const settings = this.deps.settings();
    const feed = params.feed ?? settings.feed;
    const endpoints = resolveFeed(feed, params, feed === settings.feed ? settings : {});
    const config: StreamConfig = {
      feed,
      symbols: [...new Set(params.symbols ?? settings.symbols)],
      interval: params.interval ?? settings.interval,
      restUrl: endpoints.restUrl,
      wsUrl: endpoints.wsUrl,
    };
    if (this.ingest && JSON.stringify(config) === JSON.stringify(this.config)) return this.status();
    await this.stopIngest();
    this.config = config;
    const ingest = new LiveIngest({
      feed: config.feed,
      interval: config.interval,
      symbols: config.symbols,
      wsUrl: config.wsUrl,
      repo: this.deps.candles,
      rest: this.rest(config.restUrl),
      stream: this.deps.tuning?.stream,
      fillRetryMs: this.deps.tuning?.fillRetryMs,
      now: () => this.deps.clock.now(),
      onCandles: (candles) => {
        for (const { symbol, candle } of candles) {
          const { updatedAt: _updatedAt, ...shown } = candle;
          this.deps.events.emit('market.candle', {
            feed: config.feed,
            symbol,
            interval: config.interval,
            candle: shown,
          });
        }
      },
      onStatus: (status) => {
        if (this.ingest !== ingest) return;
        this.ingestStatus = status;
        this.emitStatusIfChanged();
      },
      onError: (err) => console.error('market ingest:', err),
    });
    this.ingest = ingest;
    ingest.start();
    this.startUpkeep(config);
    this.ingestStatus = ingest.status();
    this.emitStatusIfChanged();
    return this.status();
  }

  stopStream(): Promise<MarketStatus> {
    return this.serial(async () => {
      await this.stopIngest();
      this.emitStatusIfChanged();
      return this.status();
    });
  }

  async backfill(
    params: HandlerParams<'market.backfill'>,
    signal: AbortSignal | undefined,
  ): Promise<CallResult<'market.backfill'>> {
    const settings = this.deps.settings();
    const restUrl = resolveRestUrl(params.feed, params, params.feed === settings.feed ? settings : {});
    const rest = this.rest(restUrl);
    return this.deps.jobs.run('backfill', params.jobId, signal, async (job) => {
      const result = await backfill(this.deps.candles, rest, params, job, {
        instruments: this.deps.instruments,
        funding: this.deps.funding,
      });
      return {
        jobId: job.id,
        written: result.written,
        ...(this.deps.funding ? { funding: result.funding } : {}),
      };
    });
  }

  instruments(feed: string): InstrumentRules[] {
    return this.deps.instruments?.list(feed) ?? [];
  }

  /** Stores the user's rules for an imported feed (the contract refuses the exchanges' feeds). */
  setInstruments(feed: string, rules: readonly UserInstrumentRules[]): InstrumentRules[] {
    const repo = this.deps.instruments;
    if (!repo) throw new CoreError('INTERNAL', 'Instrument rules are not stored in this host.');
    repo.upsert(feed, rules.map(userRules));
    return repo.list(feed);
  }

  symbols(params: HandlerParams<'market.symbols'>): CallResult<'market.symbols'> {
    const settings = this.deps.settings();
    const feed = params.feed ?? settings.feed;
    const stored = this.deps.candles.listSeries(params.allFeeds ? undefined : feed).map((key) => {
      const coverage = this.deps.candles.coverage(key);
      if (!params.gapRanges) return { ...key, ...coverage };
      return { ...key, ...coverage, gapRanges: gapRanges(this.deps.candles, key, coverage) };
    });
    return { feed, interval: settings.interval, configured: settings.symbols, stored };
  }

  /**
   * A page of stored candles. It waits for its turn on the event loop first, so that many page
   * requests arriving in one burst are served one macrotask each and other clients' calls interleave.
   */
  async candles(params: HandlerParams<'market.candles'>): Promise<CallResult<'market.candles'>> {
    await new Promise((resolve) => setImmediate(resolve));
    const { feed, symbol, interval, ...query } = params;
    return this.deps.candles.range({ feed, symbol, interval }, { includeUnconfirmed: true, ...query });
  }

  uploadChunk(params: HandlerParams<'market.upload.chunk'>): CallResult<'market.upload.chunk'> {
    return this.uploads.append(params.uploadId, params.seq, params.content);
  }

  /** Parses in slices (the event loop stays free), then writes every candle in one transaction. */
  async importCsv(
    params: HandlerParams<'market.importCsv'>,
    signal: AbortSignal | undefined,
  ): Promise<CallResult<'market.importCsv'>> {
    const { feed, symbol, interval } = params;
    const text = this.importText(params);
    return this.deps.jobs.run('import', params.jobId, signal, async (job) => {
      const parsed = await parseOhlcvCsvInSlices(text, interval, {
        pause: () => new Promise((resolve) => setImmediate(resolve)),
        progress: (done, total) => job.progress(done, total, `reading ${feed}/${symbol}: characters parsed`),
        throwIfCancelled: () => job.throwIfCancelled(),
      });
      job.throwIfCancelled();
      return writeCandles(this.deps.candles, { feed, symbol, interval }, parsed);
    });
  }

  /** Funding history for an imported feed, parsed in slices, written in one transaction. */
  async importFundingCsv(
    params: HandlerParams<'market.importFundingCsv'>,
    signal: AbortSignal | undefined,
  ): Promise<CallResult<'market.importFundingCsv'>> {
    const { feed, symbol } = params;
    const funding = this.deps.funding;
    if (!funding) throw new CoreError('UNKNOWN_METHOD', 'This core keeps no funding history.');
    const text = this.importText(params);
    return this.deps.jobs.run('import', params.jobId, signal, async (job) => {
      const rates = await parseFundingCsvInSlices(text, symbol, {
        pause: () => new Promise((resolve) => setImmediate(resolve)),
        progress: (done, total) =>
          job.progress(done, total, `reading funding of ${feed}/${symbol}: characters parsed`),
        throwIfCancelled: () => job.throwIfCancelled(),
      });
      job.throwIfCancelled();
      return writeFunding(funding, feed, symbol, rates);
    });
  }

  /** The text of an import: inline content, or an upload (taken once). */
  importText(params: { content?: string; uploadId?: string }): string {
    return params.content ?? this.uploads.take(params.uploadId as string);
  }

  close(): Promise<void> {
    this.closed = true;
    return this.serial(() => this.stopIngest());
  }

  private rest(baseUrl: string): BybitRest {
    return new BybitRest({ ...this.deps.tuning?.rest, baseUrl });
  }

  /**
   * Refreshes the symbols' instrument rules (the exchange adjusts them over time) and keeps their
   * funding current while the stream runs. Failures are reported, never fatal to the candle stream.
   */
  private startUpkeep(config: StreamConfig): void {
    const { instruments, funding } = this.deps;
    const rest = this.rest(config.restUrl);
    if (instruments) {
      rest
        .instrumentRules(config.symbols)
        .then((rules) => {
          const source = config.feed === SIMULATOR_FEED ? 'simulator' : 'exchange';
          instruments.upsert(
            config.feed,
            rules.map((r) => ({ ...r, source })),
          );
        })
        .catch((err: unknown) =>
          console.error('instrument rules:', err instanceof Error ? err.message : err),
        );
    }
    if (!funding) return;
    this.upkeep = new FundingUpkeep({
      feed: config.feed,
      symbols: config.symbols,
      wsUrl: config.wsUrl,
      rest,
      funding,
      instruments,
      now: () => this.deps.clock.now(),
      historyFrom: (symbol) =>
        this.deps.candles.coverage({ feed: config.feed, symbol, interval: config.interval }).first,
      retryMs: this.deps.tuning?.fillRetryMs,
      onError: (err) => console.error('funding upkeep:', err instanceof Error ? err.message : err),
    });
    this.upkeep.start();
  }

  private async stopIngest(): Promise<void> {
    this.upkeep?.stop();
    this.upkeep = null;
    const ingest = this.ingest;
    this.ingest = null;
    this.ingestStatus = null;
    if (ingest) await ingest.stop();
  }

  /** One market.status per change of state (frame times alone are not a change). */
  private emitStatusIfChanged(): void {
    const status = this.status();
    const { lastFrameAt: _at, lastFrameLatencyMs: _latency, lastFrameAgeMs: _age, ...state } = status;
    const signature = JSON.stringify(state);
    if (signature === this.lastEmitted) return;
    this.lastEmitted = signature;
    this.deps.events.emit('market.status', status);
  }
}

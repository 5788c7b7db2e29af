// The model registry over the store: records in, ModelInfo out, and loaded networks cached by id.
import { createHash } from 'node:crypto';
import type { BackendName } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { ModelConfigSchema, ModelMetricsSchema, type ModelInfo } from '../../../shared/contract/model';
import type { AlignedCandles } from '../features/align';
import type { NormStats } from '../features/windows';
import type { ModelRow, ModelsRepo } from '../store/models.repo';
import { featureSpecOf } from './dataset';
import type { CrossAssetModel } from './model';
import { bytesToWeights, loadModel, weightsToBytes, type SavedModel } from './saved';

/** sha256 over symbols, interval and every candle field: the same data always hashes the same. */
export function hashCandles(aligned: AlignedCandles): string {
  const hash = createHash('sha256');
  hash.update(`${aligned.interval}|${aligned.symbols.join(',')}\n`);
  aligned.candles.forEach((candles, asset) => {
    hash.update(`${aligned.symbols[asset]}\n`);
    const row = new Float64Array(6);
    for (const c of candles) {
      row[0] = c.openTime;
      row[1] = c.open;
      row[2] = c.high;
      row[3] = c.low;
      row[4] = c.close;
      row[5] = c.volume;
      hash.update(new Uint8Array(row.buffer));
    }
  });
  return hash.digest('hex');
}

export interface NewModel {
  id: string;
  name: string;
  createdAt: number;
  feed: string;
  aligned: AlignedCandles;
  seed: number;
  backend: BackendName;
  config: ModelInfo['config'];
  stats: NormStats;
  metrics: ModelInfo['metrics'];
  weights: Float32Array;
  /** Set for a model a backtest trains for one of its folds. */
  backtestId?: string;
}

export interface ModelListFilter {
  includeFolds?: boolean;
  backtestId?: string;
}

export function infoOf(row: ModelRow): ModelInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    feed: row.feed,
    symbols: row.symbols,
    interval: row.interval as ModelInfo['interval'],
    trainFrom: row.trainFrom,
    trainTo: row.trainTo,
    dataHash: row.dataHash,
    seed: row.seed,
    backend: row.backend as BackendName,
    config: ModelConfigSchema.parse(row.config),
    metrics: ModelMetricsSchema.parse(row.metrics),
    backtestId: row.backtestId,
  };
}

export class ModelRegistry {
  private readonly loaded = new Map<string, { model: CrossAssetModel; saved: SavedModel; info: ModelInfo }>();

  constructor(private readonly repo: ModelsRepo) {}

  save(m: NewModel): ModelInfo {
    const times = m.aligned.times;
    this.repo.insert({
      id: m.id,
      name: m.name,
      createdAt: m.createdAt,
      feed: m.feed,
      symbols: m.aligned.symbols,
      interval: m.aligned.interval,
      trainFrom: times[0] ?? 0,
      trainTo: times[times.length - 1] ?? 0,
      dataHash: hashCandles(m.aligned),
      seed: m.seed,
      backend: m.backend,
      config: m.config,
      featureSpec: featureSpecOf(m.config),
      normStats: m.stats,
      metrics: m.metrics,
      weights: weightsToBytes(m.weights),
      backtestId: m.backtestId ?? null,
    });
    return this.info(m.id);
  }

  /** Newest first: the user's own models, unless asked for a backtest's fold models too (or only). */
  list(filter: ModelListFilter = {}): ModelInfo[] {
    return this.repo
      .list()
      .filter((row) =>
        filter.backtestId !== undefined
          ? row.backtestId === filter.backtestId
          : filter.includeFolds === true || row.backtestId === null,
      )
      .map(infoOf);
  }

  info(id: string): ModelInfo {
    const record = this.repo.get(id);
    if (!record) throw new CoreError('NOT_FOUND', `No model with id '${id}'.`);
    return infoOf(record);
  }

  /** The network with its weights; built once per id and kept until deleted or closed. */
  load(id: string): { model: CrossAssetModel; saved: SavedModel; info: ModelInfo } {
    const cached = this.loaded.get(id);
    if (cached) return cached;
    const record = this.repo.get(id);
    if (!record) throw new CoreError('NOT_FOUND', `No model with id '${id}'.`);
    const info = infoOf(record);
    const saved: SavedModel = {
      config: info.config,
      symbols: record.symbols,
      stats: record.normStats as NormStats,
      seed: record.seed,
      weights: bytesToWeights(record.weights),
    };
    const entry = { model: loadModel(saved), saved, info };
    this.loaded.set(id, entry);
    return entry;
  }

  delete(id: string): boolean {
    this.unload(id);
    return this.repo.delete(id);
  }

  /** Deletes the fold models of a backtest (deleted, failed or cancelled); returns how many. */
  deleteOfBacktest(backtestId: string): number {
    let deleted = 0;
    for (const id of this.repo.idsOfBacktest(backtestId)) if (this.delete(id)) deleted++;
    return deleted;
  }

  unload(id: string): void {
    this.loaded.get(id)?.model.dispose();
    this.loaded.delete(id);
  }

  close(): void {
    for (const id of [...this.loaded.keys()]) this.unload(id);
  }
}

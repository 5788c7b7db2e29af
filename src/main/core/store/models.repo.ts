// The model registry's rows. The store keeps JSON documents and the weights blob as given; their
// shapes are validated by the model layer (the contract's schemas) when read back.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export interface ModelRow {
  id: string;
  name: string;
  createdAt: number;
  feed: string;
  symbols: string[];
  interval: string;
  trainFrom: number;
  trainTo: number;
  /** sha256 (hex) of the training candles. */
  dataHash: string;
  seed: number;
  backend: string;
  config: unknown;
  featureSpec: unknown;
  normStats: unknown;
  metrics: unknown;
  /** The backtest that trained it for one of its folds; null for a model the user trained. */
  backtestId: string | null;
}

export interface ModelRecord extends ModelRow {
  /** float32 little-endian parameters. */
  weights: Uint8Array;
}

const COLUMNS =
  'id, name, created_at, feed, symbols, interval, train_from, train_to, data_hash, seed, backend, config, feature_spec, norm_stats, metrics, backtest_id';

interface RawRow {
  id: string;
  name: string;
  created_at: number;
  feed: string;
  symbols: string;
  interval: string;
  train_from: number;
  train_to: number;
  data_hash: string;
  seed: number;
  backend: string;
  config: string;
  feature_spec: string;
  norm_stats: string;
  metrics: string;
  backtest_id: string | null;
  weights?: Buffer;
}

function fromRaw(raw: RawRow): ModelRow {
  return {
    id: raw.id,
    name: raw.name,
    createdAt: raw.created_at,
    feed: raw.feed,
    symbols: JSON.parse(raw.symbols) as string[],
    interval: raw.interval,
    trainFrom: raw.train_from,
    trainTo: raw.train_to,
    dataHash: raw.data_hash,
    seed: raw.seed,
    backend: raw.backend,
    config: JSON.parse(raw.config),
    featureSpec: JSON.parse(raw.feature_spec),
    normStats: JSON.parse(raw.norm_stats),
    metrics: JSON.parse(raw.metrics),
    backtestId: raw.backtest_id,
  };
}

export class ModelsRepo {
  private readonly insertStatement: Statement;
  private readonly getStatement: Statement;
  private readonly listStatement: Statement;
  private readonly deleteStatement: Statement;
  private readonly byBacktestStatement: Statement;

  constructor(db: Db) {
    this.insertStatement = db.prepare(
      `INSERT INTO models (${COLUMNS}, weights) VALUES (@id, @name, @createdAt, @feed, @symbols, @interval, @trainFrom,
       @trainTo, @dataHash, @seed, @backend, @config, @featureSpec, @normStats, @metrics, @backtestId, @weights)`,
    );
    this.getStatement = db.prepare(`SELECT ${COLUMNS}, weights FROM models WHERE id = ?`);
    this.listStatement = db.prepare(`SELECT ${COLUMNS} FROM models ORDER BY created_at DESC, id`);
    this.deleteStatement = db.prepare('DELETE FROM models WHERE id = ?');
    this.byBacktestStatement = db.prepare('SELECT id FROM models WHERE backtest_id = ?').pluck();
  }

  /** One row, one statement: the model appears whole or not at all. */
  insert(record: ModelRecord): void {
    this.insertStatement.run({
      ...record,
      symbols: JSON.stringify(record.symbols),
      config: JSON.stringify(record.config),
      featureSpec: JSON.stringify(record.featureSpec),
      normStats: JSON.stringify(record.normStats),
      metrics: JSON.stringify(record.metrics),
      weights: Buffer.from(record.weights.buffer, record.weights.byteOffset, record.weights.byteLength),
    });
  }

  get(id: string): ModelRecord | undefined {
    const raw = this.getStatement.get(id) as RawRow | undefined;
    if (!raw) return undefined;
    const w = raw.weights!;
    return { ...fromRaw(raw), weights: new Uint8Array(w.buffer, w.byteOffset, w.byteLength) };
  }

  /** Newest first, without the weights. */
  list(): ModelRow[] {
    return (this.listStatement.all() as RawRow[]).map(fromRaw);
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }

  /** Ids of the fold models a backtest trained. */
  idsOfBacktest(backtestId: string): string[] {
    return this.byBacktestStatement.all(backtestId) as string[];
  }
}

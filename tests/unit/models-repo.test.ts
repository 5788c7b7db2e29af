// Migration 0002 (models) on its own, and the registry's rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../src/main/core/store/db';
import { ModelsRepo, type ModelRecord } from '../../src/main/core/store/models.repo';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-models-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function record(id: string, createdAt: number): ModelRecord {
  const weights = new Uint8Array(new Float32Array([1.5, -2.25, 3e-8, Number.MAX_VALUE]).buffer);
  return {
    id,
    name: `model ${id}`,
    createdAt,
    feed: 'simulator',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    interval: '60',
    trainFrom: 0,
    trainTo: 3_600_000,
    dataHash: 'ab'.repeat(32),
    seed: 7,
    backtestId: null,
    backend: 'wasm',
    config: { dModel: 64, hierarchy: null },
    featureSpec: { lookback: 168, horizon: 1 },
    normStats: { mean: [0.1], std: [1.2], targetStd: [0.004] },
    metrics: { directionAccuracy: 0.7, meanAttention: [[0.5, 0.5]] },
    weights,
  };
}

describe('0002 models', () => {
  it('applies on top of version 1, keeping candles, and refuses malformed rows', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    migrate(db, 1);
    db.prepare(
      "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
    ).run();
    migrate(db, 2);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    expect(db.prepare('SELECT COUNT(*) FROM candles').pluck().get()).toBe(1);
    migrate(db); // the repository speaks the latest schema
    const repo = new ModelsRepo(db);
    repo.insert(record('m1', 1));
    expect(() => repo.insert(record('m1', 2))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare("UPDATE models SET config = 'not json' WHERE id = 'm1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE models SET weights = x'000000' WHERE id = 'm1'").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('ModelsRepo', () => {
  it('round-trips every field and the weights byte for byte; lists newest first without weights; deletes', () => {
    const db = openDatabase(join(dir, 'store.sqlite'));
    const repo = new ModelsRepo(db);
    const a = record('a', 1000);
    const b = record('b', 2000);
    repo.insert(a);
    repo.insert(b);
    const back = repo.get('a')!;
    expect({ ...back, weights: undefined }).toEqual({ ...a, weights: undefined });
    expect(Array.from(back.weights)).toEqual(Array.from(a.weights));
    expect(repo.list().map((m) => m.id)).toEqual(['b', 'a']);
    expect('weights' in repo.list()[0]!).toBe(false);
    expect(repo.delete('a')).toBe(true);
    expect(repo.delete('a')).toBe(false);
    expect(repo.get('a')).toBeUndefined();
    db.close();
  });
});

// The model domain through the contract: train in a worker from stored candles, registry round trip,
// predictions reproduced exactly after reloading from SQLite, progress events, errors for the user.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreEvents } from '../../../src/main/core/events';
import { JobRegistry } from '../../../src/main/core/jobs';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import { createModelHandlers } from '../../../src/main/core/model/handlers';
import { CandlesRepo } from '../../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../../src/main/core/store/db';
import { ModelsRepo } from '../../../src/main/core/store/models.repo';
import type { ModelInfo, ModelProgress, Prediction } from '../../../src/shared/contract/model';
import type { Dispatch } from '../../../src/shared/rpc';
import { domainDispatch } from '../../support/domain-dispatch';
import { TEST_BACKEND } from '../../support/model-backend';

const START = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const BARS = 900;
let dir: string;
let db: Db;
let candles: CandlesRepo;
const events = new CoreEvents();
const jobs = new JobRegistry(events);
let model: ReturnType<typeof createModelHandlers>;
let dispatch: Dispatch;
const context = () => ({ signal: new AbortController().signal });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-model-'));
  db = openDatabase(join(dir, 'crossdesk.db'));
  candles = new CandlesRepo(db);
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 9,
    interval: '60',
    startTime: START,
    bars: BARS,
  });
  for (const [symbol, list] of Object.entries(market)) {
    candles.upsert(
      { feed: 'simulator', symbol, interval: '60' },
      list.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    );
  }
  // A series with a hole, for the error case.
  candles.upsert(
    { feed: 'gappy', symbol: 'BTCUSDT', interval: '60' },
    market.BTCUSDT!.filter((_, i) => i !== 500).map((c) => ({ ...c, updatedAt: c.openTime })),
  );
  candles.upsert(
    { feed: 'gappy', symbol: 'ETHUSDT', interval: '60' },
    market.ETHUSDT!.map((c) => ({ ...c, updatedAt: c.openTime })),
  );
  model = createModelHandlers({
    models: new ModelsRepo(db),
    candles,
    events,
    jobs,
    clock: { now: () => 42 },
    backend: TEST_BACKEND,
  });
  dispatch = domainDispatch(model.handlers);
});

afterAll(() => {
  model.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const smallConfig = {
  lookback: 24,
  patchLength: 4,
  dModel: 16,
  heads: 2,
  layers: 1,
  maxLag: 2,
  training: { epochs: 2, batchSize: 16 },
};

describe('model handlers', () => {
  let info: ModelInfo;

  it('trains from stored candles in a worker, emitting model.progress, and registers the model', async () => {
    const progress: ModelProgress[] = [];
    const off = events.on('model.progress', (p) => progress.push(p));
    info = (await dispatch(
      'model.train',
      {
        feed: 'simulator',
        symbols: DEFAULT_MARKET_SPEC.symbols,
        interval: '60',
        from: START,
        to: START + (BARS - 1) * HOUR,
        config: smallConfig,
        seed: 3,
        jobId: 'train-1',
      },
      context(),
    )) as ModelInfo;
    off();
    expect(info.symbols).toEqual(DEFAULT_MARKET_SPEC.symbols);
    expect(info.trainFrom).toBe(START);
    expect(info.trainTo).toBe(START + (BARS - 1) * HOUR);
    expect(info.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(info.backend).toBe(TEST_BACKEND);
    expect(info.createdAt).toBe(42);
    expect(info.config.dModel).toBe(16);
    expect(info.metrics.meanAttention).toHaveLength(5);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === 'train-1')).toBe(true);
    expect(await dispatch('model.list', {}, context())).toEqual([info]);
    expect(await dispatch('model.get', { id: info.id }, context())).toEqual(info);
  });

  it('predicts the latest bar, and a reload from SQLite reproduces the prediction exactly', async () => {
    const first = (await dispatch('model.predict', { id: info.id }, context())) as Prediction;
    expect(first.time).toBe(START + (BARS - 1) * HOUR);
    expect(first.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(first.attention).toHaveLength(1);
    expect(first.attention[0]).toHaveLength(2);
    expect(first.lagWeights).toHaveLength(2);
    model.service.registry.unload(info.id);
    const again = (await dispatch('model.predict', { id: info.id }, context())) as Prediction;
    expect(again).toEqual(first);
    const earlier = (await dispatch(
      'model.predict',
      { id: info.id, time: START + 800 * HOUR },
      context(),
    )) as Prediction;
    expect(earlier.time).toBe(START + 800 * HOUR);
    expect(earlier.weights).not.toEqual(first.weights);
  });

  it('refuses a gap in the training data, naming symbol and time, and unknown models', async () => {
    await expect(
      dispatch(
        'model.train',
        {
          feed: 'gappy',
          symbols: ['BTCUSDT', 'ETHUSDT'],
          interval: '60',
          from: START,
          to: START + BARS * HOUR,
          config: smallConfig,
        },
        context(),
      ),
    ).rejects.toMatchObject({
      code: 'DATA_INCOMPLETE',
      message: expect.stringMatching(/BTCUSDT.*2025-01-21T20:00/),
    });
    await expect(dispatch('model.get', { id: 'nope' }, context())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      dispatch('model.train', { feed: 'simulator', symbols: [], interval: '60', from: 1, to: 2 }, context()),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
  });

  it('cancels a running training by job id', async () => {
    const run = dispatch(
      'model.train',
      {
        feed: 'simulator',
        symbols: ['BTCUSDT', 'ETHUSDT'],
        interval: '60',
        from: START,
        to: START + (BARS - 1) * HOUR,
        config: { ...smallConfig, training: { epochs: 500 } },
        jobId: 'train-2',
      },
      context(),
    );
    const off = events.on(
      'model.progress',
      () => void dispatch('model.cancel', { jobId: 'train-2' }, context()),
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    off();
    expect((await dispatch('model.list', {}, context())) as ModelInfo[]).toHaveLength(1);
  });

  it('deletes a model', async () => {
    expect(await dispatch('model.delete', { id: info.id }, context())).toEqual({ deleted: true });
    expect(await dispatch('model.delete', { id: info.id }, context())).toEqual({ deleted: false });
    await expect(dispatch('model.predict', { id: info.id }, context())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/main/core/model/backend';
import {
  dense,
  denseOnData,
  layerNorm,
  layerNormReference,
  matMul2d,
  repeatColumn,
  repeatRow,
  repeatRows,
  shiftBack,
  softmax,
} from '../../../src/main/core/model/layers';
import { CrossAssetModel } from '../../../src/main/core/model/model';
import { randomInput, smallConfig, SYMBOLS } from './helpers';
import { TEST_BACKEND } from '../../support/model-backend';

beforeAll(async () => {
  expect(await initBackend(TEST_BACKEND)).toBe(TEST_BACKEND);
});

describe(`model layers on ${TEST_BACKEND}`, () => {
  const models: CrossAssetModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));
  const make = (overrides = {}) => {
    const model = new CrossAssetModel(smallConfig(overrides), { symbols: SYMBOLS, features: 8 }, 3);
    models.push(model);
    return model;
  };

  it('produces every head with the documented shapes', () => {
    const model = make();
    tf.tidy(() => {
      const out = model.forward(randomInput(6, model.config), false);
      expect(out.returns.shape).toEqual([6, 5]);
      expect(out.directionLogits.shape).toEqual([6, 5, 3]);
      expect(out.weights.shape).toEqual([6, 5]);
      expect(out.attention).toHaveLength(2);
      for (const map of out.attention) expect(map.shape).toEqual([6, 2, 5, 5]);
      expect(out.lagWeights!.shape).toEqual([3]);
    });
  });

  it('runs per-bar tokens, no asset embedding, no temporal attention and the hierarchy', () => {
    const variants = [
      { patchLength: 1, layers: 1 },
      { assetEmbedding: false, temporalAttention: false, maxLag: 0 },
      {
        hierarchy: {
          sectors: { BTCUSDT: 'majors', ETHUSDT: 'majors', SOLUSDT: 'l1', AVAXUSDT: 'l1', DOTUSDT: 'l0' },
          markets: { majors: 'crypto', l1: 'crypto', l0: 'other' },
        },
      },
    ];
    for (const v of variants) {
      const model = make(v);
      tf.tidy(() => {
        const out = model.forward(randomInput(2, model.config), false);
        expect(out.weights.shape).toEqual([2, 5]);
        expect(Array.from(out.returns.dataSync()).every(Number.isFinite)).toBe(true);
      });
    }
  });

  it('cross-asset attention rows and the lag weights each sum to 1', () => {
    const model = make();
    tf.tidy(() => {
      const out = model.forward(randomInput(4, model.config, 9), false);
      for (const map of out.attention) {
        const sums = tf.sum(map, -1).dataSync();
        for (const s of sums) expect(s).toBeCloseTo(1, 5);
      }
      expect(tf.sum(out.lagWeights!).dataSync()[0]).toBeCloseTo(1, 6);
    });
  });

  it('long-only weights are non-negative and sum to 1; long-short have gross exposure 1', () => {
    const longOnly = make({ portfolio: 'long-only' });
    const longShort = make({ portfolio: 'long-short' });
    tf.tidy(() => {
      const w = longOnly.forward(randomInput(8, longOnly.config, 4), false).weights.arraySync();
      for (const row of w) {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (const x of row) expect(x).toBeGreaterThanOrEqual(0);
      }
      const ls = longShort.forward(randomInput(8, longShort.config, 5), false).weights.arraySync();
      let sawShort = false;
      for (const row of ls) {
        expect(row.reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(1, 4);
        sawShort ||= row.some((x) => x < 0);
      }
      expect(sawShort).toBe(true);
    });
  });

  it('shiftBack moves values back in time and pads the start with zeros', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
      expect(Array.from(shiftBack(x, 1, 2).dataSync())).toEqual([0, 1, 2, 3, 0, 5, 6, 7]);
      expect(Array.from(shiftBack(x, 3, 2).dataSync())).toEqual([0, 0, 0, 1, 0, 0, 0, 5]);
      expect(Array.from(shiftBack(x, 4, 2).dataSync())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    });
  });

  it('the lag attention never lets a key see the future: the query at bar τ ignores every bar after τ', () => {
    const model = make({ maxLag: 4 });
    tf.tidy(() => {
      const x = randomInput(2, model.config, 11);
      const summary = tf.randomNormal([2 * 5, 16], 0, 1, 'float32', 2) as tf.Tensor2D;
      const lookback = model.config.lookback;
      // Query the 4 newest bars; bar `lookback - 1 - back` is query position 3 - back.
      const outputs = (input: tf.Tensor4D) =>
        model.lagPositions(input, summary, 4).arraySync() as number[][][][];
      const base = outputs(x);
      for (const back of [0, 1]) {
        const bar = lookback - 1 - back;
        const bump = tf.concat(
          [tf.zeros([2, 5, bar, 8]), tf.fill([2, 5, 1, 8], 5), tf.zeros([2, 5, back, 8])],
          2,
        );
        const changed = outputs(tf.add(x, bump) as tf.Tensor4D);
        const changedPosition = 3 - back;
        for (let b = 0; b < 2; b++)
          for (let a = 0; a < 5; a++) {
            for (let p = 0; p < changedPosition; p++) expect(changed[b]![a]![p]).toEqual(base[b]![a]![p]);
            expect(changed[b]![a]![changedPosition]).not.toEqual(base[b]![a]![changedPosition]);
          }
      }
    });
  });

  it('the newest-bar lag attention equals the per-lag form in value and gradient', () => {
    const model = make({ maxLag: 4 });
    tf.tidy(() => {
      const x = randomInput(3, model.config, 12);
      const summary = tf.randomNormal([3 * 5, 16], 0, 1, 'float32', 3) as tf.Tensor2D;
      const weights = tf.randomNormal([3, 5, 1, 16], 0, 1, 'float32', 4);
      const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
      // Non-zero lag logits, so that the lags' weights differ.
      model.params.get('lag/logits').assign(tf.tensor1d([0.3, -0.2, 0.9, -1]));
      const variables = model.params.list().filter((v) => v.name.includes('/lag/'));
      const run = (perLag: boolean) =>
        tf.variableGrads(
          () => tf.sum(tf.mul(tf.sin(model.lagPositions(x, summary, 1, perLag)), weights)) as tf.Scalar,
          variables,
        );
      expect(close(model.lagPositions(x, summary, 1), model.lagPositions(x, summary, 1, true))).toBeLessThan(
        1e-5,
      );
      const fast = run(false);
      const plain = run(true);
      expect(close(fast.value, plain.value)).toBeLessThan(1e-4);
      // lag/ln_* act after the module's output: no gradient on either path.
      for (const v of variables.filter((v) => !v.name.includes('/lag/ln_'))) {
        expect(close(fast.grads[v.name]!, plain.grads[v.name]!)).toBeLessThan(1e-4);
      }
      const summaryGrad = (perLag: boolean) =>
        tf.grad((s: tf.Tensor) =>
          tf.sum(tf.mul(tf.sin(model.lagPositions(x, s as tf.Tensor2D, 1, perLag)), weights)),
        )(summary);
      expect(close(summaryGrad(false), summaryGrad(true))).toBeLessThan(1e-4);
    });
  });

  it('the softmax of short rows is the textbook one in value and gradient', () => {
    tf.tidy(() => {
      const [rows, width] = [30, 7];
      const x = tf.randomNormal([rows, width], 0, 3, 'float32', 14);
      const probe = tf.randomNormal([rows, width], 0, 1, 'float32', 15);
      const values = x.dataSync();
      const weights = probe.dataSync();
      const y = tf.reshape(softmax(tf.reshape(x, [5, 6, width])), [rows, width]).dataSync();
      const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.sin(softmax(t)), probe)))([x]);
      const gradient = dx!.dataSync();
      let worstValue = 0;
      let worstGradient = 0;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(values.subarray(r * width, (r + 1) * width));
        const top = Math.max(...row);
        const e = row.map((v) => Math.exp(v - top));
        const total = e.reduce((a, b) => a + b, 0);
        const expected = e.map((v) => v / total);
        // d/dx of Σ sin(y)·probe: y ⊙ (g − Σ g·y) with g = cos(y)·probe.
        const g = expected.map((v, j) => Math.cos(v) * weights[r * width + j]!);
        const gy = g.reduce((sum, v, j) => sum + v * expected[j]!, 0);
        expected.forEach((v, j) => {
          worstValue = Math.max(worstValue, Math.abs(y[r * width + j]! - v));
          worstGradient = Math.max(worstGradient, Math.abs(gradient[r * width + j]! - v * (g[j]! - gy)));
        });
      }
      expect(worstValue).toBeLessThan(1e-6);
      expect(worstGradient).toBeLessThan(1e-6);
    });
  });

  it('the broadcast-free LayerNorm equals the moments form in value and gradient', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([23, 16], 0.5, 2, 'float32', 3) as tf.Tensor2D;
      const gamma = tf.randomNormal([16], 1, 0.2, 'float32', 4);
      const beta = tf.randomNormal([16], 0, 0.2, 'float32', 5);
      const weights = tf.randomNormal([23, 16], 0, 1, 'float32', 6);
      const loss = (fn: typeof layerNorm) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.sin(fn(a as tf.Tensor2D, g, b)), weights));
      const fast = tf.grads(loss(layerNorm))([x, gamma, beta]);
      const reference = tf.grads(loss(layerNormReference as typeof layerNorm))([x, gamma, beta]);
      const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
      expect(close(layerNorm(x, gamma, beta), layerNormReference(x, gamma, beta))).toBeLessThan(1e-4);
      fast.forEach((g, i) => expect(close(g, reference[i]!)).toBeLessThan(1e-3));
    });
  });

  it('the fused dense layer (bias, relu) has the gradients of matMul + add + relu', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([19, 12], 0, 1, 'float32', 7) as tf.Tensor2D;
      const w = tf.randomNormal([12, 9], 0, 1, 'float32', 8);
      const b = tf.randomNormal([9], 0, 1, 'float32', 9);
      const fast = tf.grads((a, c, d) => tf.sum(tf.sin(dense(a, c, d, 'relu'))))([x, w, b]);
      const plain = tf.grads((a, c, d) =>
        tf.sum(tf.sin(tf.relu(tf.add(tf.matMul(a as tf.Tensor2D, c as tf.Tensor2D), d)))),
      )([x, w, b]);
      fast.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, plain[i]!))).dataSync()[0]).toBeLessThan(1e-4));
    });
  });

  it('the transpose-free dense gradient equals the default matMul gradient', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([37, 12], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([12, 7], 0, 1, 'float32', 2) as tf.Tensor2D;
      const f = (fn: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) =>
        tf.grads((a, b) => tf.sum(tf.sin(fn(a as tf.Tensor2D, b as tf.Tensor2D))));
      const [dxFast, dwFast] = f(matMul2d)([x, w]);
      const [dx, dw] = f((a, b) => tf.matMul(a, b))([x, w]);
      expect(tf.max(tf.abs(tf.sub(dxFast!, dx!))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(dwFast!, dw!))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });

  it('the dense layer on data has the value and weight gradients of matMul + add', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([29, 12], 0, 1, 'float32', 10) as tf.Tensor2D;
      const w = tf.randomNormal([12, 9], 0, 1, 'float32', 11);
      const b = tf.randomNormal([9], 0, 1, 'float32', 12);
      const plainForm = (c: tf.Tensor, d: tf.Tensor) => tf.add(tf.matMul(x, c as tf.Tensor2D), d);
      const close = (a: tf.Tensor, c: tf.Tensor) => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]!;
      expect(close(denseOnData(x, w, b), plainForm(w, b))).toBeLessThan(1e-5);
      const fast = tf.grads((c, d) => tf.sum(tf.sin(denseOnData(x, c, d))))([w, b]);
      const plain = tf.grads((c, d) => tf.sum(tf.sin(plainForm(c, d))))([w, b]);
      fast.forEach((g, i) => expect(close(g, plain[i]!)).toBeLessThan(1e-4));
    });
  });

  it('repeating a column, a row and rows by ones has the value and gradient of tile', () => {
    tf.tidy(() => {
      const close = (a: tf.Tensor, c: tf.Tensor) => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]!;
      const weights = tf.randomNormal([13, 5], 0, 1, 'float32', 13);
      const column = tf.randomNormal([13, 1], 0, 1, 'float32', 14) as tf.Tensor2D;
      const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) =>
        tf.sum(tf.mul(tf.sin(f(t)), weights));
      expect(close(repeatColumn(column, 5), tf.tile(column, [1, 5]))).toBe(0);
      expect(
        close(
          tf.grad(loss((t) => repeatColumn(t as tf.Tensor2D, 5)))(column),
          tf.grad(loss((t) => tf.tile(t, [1, 5])))(column),
        ),
      ).toBeLessThan(1e-5);
      const row = tf.randomNormal([1, 5], 0, 1, 'float32', 15) as tf.Tensor2D;
      expect(close(repeatRow(row, 13), tf.tile(row, [13, 1]))).toBe(0);
      expect(
        close(
          tf.grad(loss((t) => repeatRow(t as tf.Tensor2D, 13)))(row),
          tf.grad(loss((t) => tf.tile(t, [13, 1])))(row),
        ),
      ).toBeLessThan(1e-5);
      const rows = tf.randomNormal([4, 6], 0, 1, 'float32', 16) as tf.Tensor2D;
      const rowWeights = tf.randomNormal([4, 3, 6], 0, 1, 'float32', 17);
      const rowsLoss = (f: (t: tf.Tensor2D) => tf.Tensor) => (t: tf.Tensor) =>
        tf.sum(tf.mul(tf.sin(f(t as tf.Tensor2D)), rowWeights));
      const tiled = (t: tf.Tensor2D) => tf.tile(tf.reshape(t, [4, 1, 6]), [1, 3, 1]);
      expect(close(repeatRows(rows, 3), tiled(rows))).toBe(0);
      expect(
        close(tf.grad(rowsLoss((t) => repeatRows(t, 3)))(rows), tf.grad(rowsLoss(tiled))(rows)),
      ).toBeLessThan(1e-5);
    });
  });

  it.skipIf(TEST_BACKEND !== 'wasm')(
    'a clone on wasm shares the buffer yet outlives its source (wasm only: its Identity kernel is replaced)',
    () => {
      const source = tf.tensor1d([1, 2, 3]);
      const copy = tf.clone(source);
      source.dispose();
      expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
      copy.dispose();
    },
  );
});

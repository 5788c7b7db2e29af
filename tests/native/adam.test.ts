// Adam's update in the graph addon (native/adam.cc) against optimizer.ts's JavaScript loop: the same
// bits, step after step, with the clip engaged and not; and both against the textbook update. Runs in
// the model-native project (vitest.config.ts); `npm run setup:native` builds the addon.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphAddon, type GraphAddon } from '../../src/main/core/model/graph/addon';
import { adamUpdate } from '../../src/main/core/model/optimizer';
import { seededRandom } from '../../src/main/core/model/params';

let addon: GraphAddon;

beforeAll(() => {
  const loaded = graphAddon();
  if (!loaded) throw new Error('the graph addon is not built here: run `npm run setup:native`');
  addon = loaded;
});

const n = 10_007;
const hyperAt = (step: number, learningRate = 1e-3) =>
  [0.9, 0.999, 1e-7, (learningRate * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step), 1] as const;

function state(seed: number) {
  const random = seededRandom(seed);
  return {
    w: Float32Array.from({ length: n }, () => random() - 0.5),
    m: new Float32Array(n),
    v: new Float32Array(n),
  };
}

describe('Adam in the graph addon', () => {
  it('gives the JavaScript loop’s bits, step after step, clipped or not', () => {
    const js = state(1);
    const native = state(1);
    const random = seededRandom(2);
    const gradient = new Float32Array(n);
    let clipped = 0;
    for (let step = 1; step <= 25; step++) {
      // Every third step's gradient is large: its norm (~290) is clipped to 1.
      const size = step % 3 === 0 ? 5 : 0.005;
      gradient.forEach((_, i) => (gradient[i] = (random() - 0.5) * size));
      const norm = adamUpdate(js.w, gradient, js.m, js.v, hyperAt(step));
      expect(addon.adamUpdate(native.w, gradient, native.m, native.v, hyperAt(step))).toBe(norm);
      if (norm > 1) clipped++;
      expect(Buffer.from(native.w.buffer).equals(Buffer.from(js.w.buffer))).toBe(true);
      expect(Buffer.from(native.m.buffer).equals(Buffer.from(js.m.buffer))).toBe(true);
      expect(Buffer.from(native.v.buffer).equals(Buffer.from(js.v.buffer))).toBe(true);
    }
    expect(clipped).toBe(8);
  });

  it('is the textbook update: clip to the global norm, moments, bias correction', () => {
    const native = state(3);
    const start = Float32Array.from(native.w);
    const random = seededRandom(4);
    const gradient = Float32Array.from({ length: n }, () => (random() - 0.5) * 5);
    const norm = Math.hypot(...gradient);
    addon.adamUpdate(native.w, gradient, native.m, native.v, hyperAt(1, 0.01));
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const g = gradient[i]! / (norm + 1e-6);
      const m = 0.1 * g;
      const v = 0.001 * g * g;
      const expected = start[i]! - (0.01 * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-7 / Math.sqrt(0.001));
      expect(native.m[i]).toBeCloseTo(m, 7);
      worst = Math.max(worst, Math.abs(native.w[i]! - expected));
    }
    // Step one of Adam moves every weight by the learning rate, whatever its gradient's size.
    expect(worst).toBeLessThan(1e-6);
  });

  it('refuses arrays of different lengths or types', () => {
    const s = state(5);
    expect(() => addon.adamUpdate(s.w, new Float32Array(3), s.m, s.v, hyperAt(1))).toThrow(/one length/);
    expect(() =>
      addon.adamUpdate(s.w, new Float64Array(n) as unknown as Float32Array, s.m, s.v, hyperAt(1)),
    ).toThrow(/Float32Arrays/);
  });
});

// Dropout masks in the graph addon (native/dropout.cc) against layers.ts's JavaScript fill: the same
// bits for every rate, seed, length and offset, including the tail of fewer than four values; and
// both against the definition (byte k of mulberry32's draw i is value 4i + k, kept when it is at least
// round(rate · 256)). Runs in the model-native project (vitest.config.ts); `npm run setup:native`
// builds the addon.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/model/backend';
import { graphAddon, type GraphAddon } from '../../src/main/core/model/graph/addon';
import { dropoutMask, fillMask } from '../../src/main/core/model/layers';
import { seededUint32 } from '../../src/main/core/model/params';

let addon: GraphAddon;

beforeAll(async () => {
  expect(await initBackend('tensorflow')).toBe('tensorflow');
  const loaded = graphAddon();
  if (!loaded?.dropoutFill) throw new Error('the graph addon is not built here: run `npm run setup:native`');
  addon = loaded;
});

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

/** The mask by its definition, value by value. */
function definition(size: number, rate: number, seed: number): Float32Array {
  const threshold = Math.round(rate * 256);
  const scale = Math.fround(256 / (256 - threshold));
  const next = seededUint32(seed);
  const mask = new Float32Array(size);
  let bits = 0;
  for (let i = 0; i < size; i++) {
    if (i % 4 === 0) bits = next();
    mask[i] = ((bits >>> (8 * (i % 4))) & 255) >= threshold ? scale : 0;
  }
  return mask;
}

function lookup(threshold: number, scale: number): Float32Array {
  const valueOf = new Float32Array(256);
  for (let byte = threshold; byte < 256; byte++) valueOf[byte] = scale;
  return valueOf;
}

describe('dropout masks in the graph addon', () => {
  it('give the JavaScript fill’s bits and the definition’s, for any rate, seed, length and offset', () => {
    let dropped = 0;
    let kept = 0;
    for (const rate of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
      for (const seed of [0, 1, 977, 2 ** 31 + 5, 2 ** 32 - 1]) {
        for (const size of [1, 3, 4, 7, 64, 1001]) {
          const threshold = Math.round(rate * 256);
          const scale = Math.fround(256 / (256 - threshold));
          const js = new Float32Array(size);
          fillMask(js, lookup(threshold, scale), seed, 0, size);
          const native = new Float32Array(size).fill(-1);
          addon.dropoutFill!(native, seed, threshold, scale, 0, size);
          expect(same(native, js)).toBe(true);
          expect(same(js, definition(size, rate, seed))).toBe(true);
          // A part of the mask: the values outside [from, to) are left as they were.
          if (size >= 7) {
            const part = new Float32Array(size).fill(-1);
            const expected = Float32Array.from(part);
            fillMask(expected, lookup(threshold, scale), seed, 2, size - 1);
            addon.dropoutFill!(part, seed, threshold, scale, 2, size - 1);
            expect(same(part, expected)).toBe(true);
            expect([part[0], part[1], part[size - 1]]).toEqual([-1, -1, -1]);
          }
          native.forEach((v) => (v === 0 ? dropped++ : kept++));
        }
      }
    }
    // Both outcomes were exercised (rate 0 keeps all, rate 1 drops all).
    expect(dropped).toBeGreaterThan(1000);
    expect(kept).toBeGreaterThan(1000);
  });

  it('serve dropoutMask with parts, as a split batch draws them', () => {
    // The second part's seed passes 2^32: mulberry32 takes it modulo 2^32, in both fills.
    const parts = { samples: [3, 5], seeds: [11, 4_294_967_290] };
    const size = 8 * 12;
    const mask = dropoutMask(size, 0.2, 7, parts);
    const threshold = Math.round(0.2 * 256);
    const expected = new Float32Array(size);
    fillMask(expected, lookup(threshold, Math.fround(256 / (256 - threshold))), 11 + 7, 0, 36);
    fillMask(expected, lookup(threshold, Math.fround(256 / (256 - threshold))), 4_294_967_297, 36, size);
    expect(same(mask, expected)).toBe(true);
  });

  it('refuse what they cannot fill exactly', () => {
    const mask = new Float32Array(8);
    expect(() => addon.dropoutFill!(mask, -1, 10, 1, 0, 8)).toThrow(/unsigned 32-bit seed/);
    expect(() => addon.dropoutFill!(mask, 1.5, 10, 1, 0, 8)).toThrow(/unsigned 32-bit seed/);
    expect(() => addon.dropoutFill!(mask, 1, 300, 1, 0, 8)).toThrow(/threshold/);
    expect(() => addon.dropoutFill!(mask, 1, 10, 1, 0, 9)).toThrow(/within the mask/);
    expect(() => addon.dropoutFill!(new Float64Array(8) as unknown as Float32Array, 1, 10, 1, 0, 8)).toThrow(
      /Float32Array/,
    );
  });
});

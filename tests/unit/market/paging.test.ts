import { describe, expect, it } from 'vitest';
import { backoffCap, backoffDelay } from '../../../src/main/core/market/backoff';
import { addBars, barsIn, planWindows, windowsForMissing } from '../../../src/main/core/market/paging';

const T0 = Date.UTC(2026, 0, 5, 0, 0);
const MIN = 60_000;

describe('paging plans', () => {
  it('covers [floor(from), to] with windows of at most `limit` bars, no overlap, no gap', () => {
    const windows = planWindows(T0 + 17_000, T0 + 2499 * MIN + 5, '1', 1000);
    expect(windows).toEqual([
      { start: T0, end: T0 + 999 * MIN },
      { start: T0 + 1000 * MIN, end: T0 + 1999 * MIN },
      { start: T0 + 2000 * MIN, end: T0 + 2499 * MIN + 5 },
    ]);
    expect(windows.reduce((n, w) => n + barsIn(w, '1'), 0)).toBe(2500);
  });

  it('plans one bar when from and to fall in the same bar, none when to is before from', () => {
    expect(planWindows(T0 + 1000, T0 + 2000, '1')).toEqual([{ start: T0, end: T0 + 2000 }]);
    expect(planWindows(T0 + MIN, T0, '1')).toEqual([]);
  });

  it('steps monthly bars by calendar month', () => {
    expect(addBars(Date.UTC(2025, 11, 1), 3, 'M')).toBe(Date.UTC(2026, 2, 1));
    const windows = planWindows(Date.UTC(2020, 0, 15), Date.UTC(2026, 5, 1), 'M', 24);
    expect(windows[0]).toEqual({ start: Date.UTC(2020, 0, 1), end: Date.UTC(2021, 11, 1) });
    expect(windows.reduce((n, w) => n + barsIn(w, 'M'), 0)).toBe(78);
  });

  it('groups missing bars into as few windows as `limit` allows', () => {
    const missing = [0, 1, 2, 500, 999, 1000, 1001, 3000].map((i) => T0 + i * MIN);
    expect(windowsForMissing(missing, '1', 1000)).toEqual([
      { start: T0, end: T0 + 999 * MIN },
      { start: T0 + 1000 * MIN, end: T0 + 1001 * MIN },
      { start: T0 + 3000 * MIN, end: T0 + 3000 * MIN },
    ]);
    expect(windowsForMissing([], '1')).toEqual([]);
  });
});

describe('backoff schedule', () => {
  const policy = { baseMs: 100, maxMs: 5000 };

  it('doubles the cap per attempt up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffCap(a, policy))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it('draws full-jitter waits within [0, cap]', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      for (const r of [0, 0.25, 0.999999]) {
        const wait = backoffDelay(attempt, policy, () => r);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(backoffCap(attempt, policy));
      }
    }
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(3, policy, () => Number.NaN)).toBe(0);
    expect(backoffDelay(3, policy, () => 7)).toBe(800);
  });
});

import { describe, expect, it } from 'vitest';
import { remainingMs, timingText } from '../../../src/renderer/src/components/progress/eta';

describe('progress timing', () => {
  it('extrapolates the pace so far once there is one', () => {
    expect(remainingMs(10_000, 0.25)).toBe(30_000);
    expect(remainingMs(500, 0.5)).toBeNull(); // under a second: no pace yet
    expect(remainingMs(10_000, 0)).toBeNull(); // nothing done: no pace yet
    expect(remainingMs(10_000, 1)).toBeNull(); // done
  });

  it('always says something, even before the first figure', () => {
    expect(timingText(4_000, 0)).toBe('4.0 s elapsed · estimating…');
    expect(timingText(12_000, 0.4)).toBe('12.0 s elapsed · ETA 18.0 s');
  });
});

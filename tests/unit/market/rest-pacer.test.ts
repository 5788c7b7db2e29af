// The REST pacer on a scripted clock: no window of 5 s holds
// more than 550 requests (Bybit allows 600), the sustained rate is 100 per second, concurrent callers
// each wait for a token of their own, and a 403 stops the host for 10 minutes with the end time in the
// message.
import { describe, expect, it } from 'vitest';
import { BAN_MS, BYBIT_IP_LIMIT, RestPacer } from '../../../src/main/core/market/rest-pacer';
import type { CoreError } from '../../../src/shared/errors';

function scriptedClock() {
  let now = Date.UTC(2026, 0, 5, 12, 0, 0);
  return {
    now: () => now,
    sleep: async (ms: number) => {
      // Sleepers wake in order of their wake time: advance to it.
      await Promise.resolve();
      now += ms;
    },
    advance: (ms: number) => (now += ms),
  };
}

describe('RestPacer', () => {
  it('keeps every 5 s window of 2,000 requests at or under 550', async () => {
    const clock = scriptedClock();
    const pacer = new RestPacer('http://exchange', { now: clock.now, sleep: clock.sleep });
    const sent: number[] = [];
    for (let k = 0; k < 2000; k++) {
      await pacer.take();
      sent.push(clock.now());
    }
    let peak = 0;
    let lo = 0;
    for (let hi = 0; hi < sent.length; hi++) {
      while (sent[hi]! - sent[lo]! >= BYBIT_IP_LIMIT.windowMs) lo++;
      peak = Math.max(peak, hi - lo + 1);
    }
    expect(peak).toBeLessThanOrEqual(550);
    expect(peak).toBeGreaterThan(500);
    // Sustained: 2000 requests, 50 of them from the burst, at 100 per second.
    expect(sent[sent.length - 1]! - sent[0]!).toBeGreaterThanOrEqual(19_400);
    expect(pacer.sent).toBe(2000);
  });

  it('reserves tokens for concurrent callers so that they never share one', async () => {
    const now = 0;
    const wakes: number[] = [];
    const pacer = new RestPacer('http://exchange', {
      burst: 2,
      ratePerSecond: 10,
      now: () => now,
      sleep: async (ms) => void wakes.push(ms),
    });
    await Promise.all([pacer.take(), pacer.take(), pacer.take(), pacer.take()]);
    // Two from the burst, then one every 100 ms.
    expect(wakes).toEqual([100, 200]);
  });

  it('stops the host for 10 minutes after a 403 and says until when', async () => {
    const clock = scriptedClock();
    const pacer = new RestPacer('https://api.bybit.com', { now: clock.now, sleep: clock.sleep });
    const error = pacer.banned();
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toContain('for 10 minutes, until 12:10:00 UTC (10 min 0 s from now)');
    clock.advance(4 * 60_000);
    const refused = (await pacer.take().catch((e: unknown) => e)) as CoreError;
    expect(refused.message).toContain('HTTP 403 at 12:00:00 UTC');
    expect(refused.message).toContain('until 12:10:00 UTC (6 min 0 s from now)');
    expect(pacer.stoppedUntil).toBe(Date.UTC(2026, 0, 5, 12, 0, 0) + BAN_MS);
    clock.advance(6 * 60_000);
    await pacer.take();
    expect(pacer.stoppedUntil).toBeNull();
  });
});

// Waiting for the embedded simulator's history to be stored, and reading a stored series back, through
// the contract as another client of the core would.
import type { CallResult } from '../../../src/shared/contract';
import type { Candle } from '../../../src/shared/domain';
import type { HostClient } from './core-client';

export type SymbolsInfo = CallResult<'market.symbols'>;

/** The stored coverage of each configured symbol at the interval in force (undefined: none yet). */
export function coverageOf(info: SymbolsInfo) {
  return info.configured.map((symbol) =>
    info.stored.find((s) => s.symbol === symbol && s.interval === info.interval),
  );
}

/** Waits until every configured symbol has at least `minBars` stored bars at the interval in force. */
export async function waitForStoredBars(
  core: HostClient,
  minBars: number,
  timeoutMs = 90_000,
): Promise<SymbolsInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await core.client.call('market.symbols', {});
    if (coverageOf(info).every((s) => s && s.count >= minBars)) return info;
    if (Date.now() > deadline)
      throw new Error(`the simulator's bars were not stored: ${JSON.stringify(info)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every confirmed stored candle of one series, ascending. */
export async function storedCandles(
  core: HostClient,
  feed: string,
  symbol: string,
  interval: SymbolsInfo['interval'],
): Promise<Candle[]> {
  return core.client.call('market.candles', { feed, symbol, interval, includeUnconfirmed: false });
}

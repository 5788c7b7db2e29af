// Start-up feed choice shared by the Electron and headless hosts. Unless the user chose a feed
// (saved settings), probe Bybit briefly; if it cannot be reached, stream from the embedded simulator
// for this run and say so. `--demo` forces the simulator. Nothing here may hang or throw: an offline
// machine must still get a working app.
import type { Core } from '../core/core';
import { SIMULATOR_FEED } from '../core/embedded-feed';

export const BYBIT_PROBE_URL = 'https://api.bybit.com/v5/market/time';
const PROBE_TIMEOUT_MS = 3_000;

export interface StartupOptions {
  demo?: boolean;
  /** Where to probe; tests point this at an unreachable address. */
  probeUrl?: string;
  probeTimeoutMs?: number;
}

/** Chooses the feed, starts the stream if settings.autoStream, and returns lines to tell the user. */
export async function startFeed(core: Core, options: StartupOptions = {}): Promise<string[]> {
  const lines: string[] = [];
  const simulator = { feed: SIMULATOR_FEED, restUrl: null, wsUrl: null };
  try {
    if (options.demo) {
      await core.overrideSettings(simulator, 'Demo mode: streaming from the embedded simulator.');
      lines.push('Demo mode: streaming from the embedded simulator (synthetic market, accelerated time).');
    } else if (core.settings.savedByUser().feed === undefined && core.settings.current().feed === 'bybit') {
      const failure = await probe(
        options.probeUrl ?? BYBIT_PROBE_URL,
        options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
      );
      if (failure) {
        const notice = `Bybit is unreachable (${failure}); streaming from the embedded simulator instead.`;
        await core.overrideSettings(simulator, notice);
        lines.push(notice, 'Choose a feed in the settings to stop this fallback.');
      }
    }
  } catch (err) {
    lines.push(`Could not prepare the feed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const settings = core.settings.current();
  if (settings.autoStream) {
    try {
      await core.dispatch('market.stream.start', {}, { signal: new AbortController().signal });
      lines.push(
        `Streaming ${settings.symbols.join(', ')} (${settings.interval}) from feed '${settings.feed}'.`,
      );
    } catch (err) {
      lines.push(`The stream did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return lines;
}

/** Returns null when the exchange answered, else a short reason. */
async function probe(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    return cause ?? (err instanceof Error ? err.message : String(err));
  }
}

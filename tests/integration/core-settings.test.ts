// The composition root's own behaviour: settings in layers (defaults < saved < run-only overrides),
// persisted across restarts; the offline fallback to the embedded simulator; a running stream that
// follows a change of feed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/contract';
import type { MarketStatus } from '../../src/shared/domain';
import { createCore, type Core } from '../../src/main/core/core';
import { startFeed } from '../../src/main/host/feed-startup';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';

/** Nothing listens on port 1: the probe fails at once, as Bybit does from an offline machine. */
const UNREACHABLE = 'http://127.0.0.1:1/v5/market/time';
const context = () => ({ signal: new AbortController().signal });

let dataDir: string;
let core: Core | undefined;
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({
    port: 0,
    seed: 3,
    interval: '1',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    historyBars: 300,
    barMs: 200,
  });
});
afterAll(() => simulator.close());

afterEach(async () => {
  await core?.close();
  core = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(overrides?: Partial<Settings>): Promise<Core> {
  dataDir ??= mkdtempSync(join(tmpdir(), 'crossdesk-core-'));
  core = await createCore({ dataDir, settingsOverrides: overrides });
  return core;
}

function freshDir(): void {
  dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-core-'));
}

async function status(target: Core): Promise<MarketStatus> {
  return (await target.dispatch('market.status', {}, context())) as MarketStatus;
}

describe('settings', () => {
  it('persist what the user sets, and never persist run-only overrides', async () => {
    freshDir();
    const first = await open({ theme: 'light' });
    expect(await first.dispatch('settings.get', {}, context())).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'light',
    });
    await first.dispatch('settings.set', { symbols: ['BTCUSDT'], autoStream: false }, context());
    await first.close();

    const second = await open();
    const settings = (await second.dispatch('settings.get', {}, context())) as Settings;
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, symbols: ['BTCUSDT'], autoStream: false });
    expect(second.settings.savedByUser()).toEqual({ symbols: ['BTCUSDT'], autoStream: false });
  });

  it('reject a change that makes the settings invalid, and keep the old ones', async () => {
    freshDir();
    const target = await open();
    await expect(target.dispatch('settings.set', { symbols: [] }, context())).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
    expect(((await target.dispatch('settings.get', {}, context())) as Settings).symbols).toEqual(
      DEFAULT_SETTINGS.symbols,
    );
  });
});

describe('start-up feed', () => {
  it('falls back to the embedded simulator when Bybit is unreachable, and says why', async () => {
    freshDir();
    const target = await open();
    const lines = await startFeed(target, { probeUrl: UNREACHABLE, probeTimeoutMs: 2_000 });
    expect(lines.join('\n')).toMatch(/Bybit is unreachable/);
    const settings = (await target.dispatch('settings.get', {}, context())) as Settings;
    expect(settings.feed).toBe('simulator');
    const now = await status(target);
    expect(now.feed).toBe('simulator');
    expect(now.reason).toMatch(/unreachable/);
    // The fallback is for this run only.
    expect(target.settings.savedByUser().feed).toBeUndefined();
  });

  it('does not override a feed the user chose', async () => {
    freshDir();
    const first = await open();
    await first.dispatch('settings.set', { feed: 'bybit', autoStream: false }, context());
    await first.close();
    const target = await open();
    const lines = await startFeed(target, { probeUrl: UNREACHABLE, probeTimeoutMs: 2_000 });
    expect(lines).toEqual([]);
    expect(((await target.dispatch('settings.get', {}, context())) as Settings).feed).toBe('bybit');
  });

  it('restarts a running stream on the feed the user then chooses, and drops the fallback note', async () => {
    freshDir();
    const target = await open();
    await startFeed(target, { demo: true });
    await expect.poll(async () => (await status(target)).connection, { timeout: 30_000 }).toBe('live');

    await target.dispatch(
      'settings.set',
      {
        feed: 'lab',
        symbols: ['BTCUSDT', 'ETHUSDT'],
        interval: '1',
        restUrl: simulator.restUrl,
        wsUrl: simulator.wsUrl,
      },
      context(),
    );
    const after = await status(target);
    expect(after).toMatchObject({
      feed: 'lab',
      interval: '1',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      reason: null,
    });
    const candle = await new Promise<{ feed: string }>((resolve) => {
      const off = target.events.on('market.candle', (event) => {
        if (event.feed !== 'lab') return;
        off();
        resolve(event);
      });
    });
    expect(candle.feed).toBe('lab');
  });
});

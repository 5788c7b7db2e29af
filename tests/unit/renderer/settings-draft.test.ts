// The Settings form's working copy: settings read back into text fields and checked on the way out,
// with a message at the field's settings path, and the patch of the top-level keys a save sends.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/contract';
import {
  changedSettings,
  fromDraft,
  showNumber,
  toDraft,
  type SettingsDraft,
} from '../../../src/renderer/src/components/settings/settings-draft';

const SAVED: Settings = { ...DEFAULT_SETTINGS, feed: 'simulator' };

function edited(patch: Partial<SettingsDraft>, base: Settings = SAVED) {
  return fromDraft({ ...toDraft(base), ...patch }, base);
}

describe('settings draft: reading settings into the form and back', () => {
  it('gives back the same settings, with no messages and nothing to save', () => {
    const { settings, errors } = fromDraft(toDraft(SAVED), SAVED);
    expect(errors).toEqual({});
    expect(settings).toEqual(SAVED);
    expect(changedSettings(SAVED, settings!)).toEqual({});
  });

  it('shows numbers without binary noise, the fee in % or bps, and the kill switch in percent', () => {
    expect(showNumber(0.07 * 100)).toBe('7');
    expect(showNumber(0.1 + 0.2)).toBe('0.3');
    expect(toDraft(SAVED).fee).toBe('0.055');
    expect(toDraft(SAVED, 'bps').fee).toBe('5.5');
    const draft = toDraft({
      ...SAVED,
      risk: { ...SAVED.risk, killDrawdown: 0.25, rebalanceThreshold: 0.015 },
    });
    expect(draft.killDrawdownPct).toBe('25');
    expect(draft.rebalanceThresholdPct).toBe('1.5');
  });

  it('reads percentages back into fractions of the settings', () => {
    const { settings } = edited({
      feeUnit: 'bps',
      fee: '10',
      killDrawdownPct: '50',
      rebalanceThresholdPct: '2',
    });
    expect(settings!.costs.feeRate).toBe(0.001);
    expect(settings!.risk.killDrawdown).toBe(0.5);
    expect(settings!.risk.rebalanceThreshold).toBe(0.02);
  });

  it('names a feed that is not built in as a custom one, with its URLs', () => {
    const custom: Settings = {
      ...SAVED,
      feed: 'my-exchange',
      restUrl: 'https://api.example.com',
      wsUrl: 'wss://stream.example.com/v5',
    };
    const draft = toDraft(custom);
    expect(draft).toMatchObject({ feedChoice: 'custom', customFeed: 'my-exchange' });
    expect(toDraft(SAVED)).toMatchObject({ feedChoice: 'simulator', customFeed: '', restUrl: '' });
    expect(fromDraft(draft, custom)).toEqual({ settings: custom, errors: {} });
  });

  it('upper-cases and trims the symbols', () => {
    expect(edited({ symbols: ' btcusdt,ethusdt , solusdt' }).settings!.symbols).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
    ]);
  });
});

describe('settings draft: a message at each field that does not fit', () => {
  it('refuses symbols that are not symbols, repeated, missing or too many', () => {
    expect(edited({ symbols: 'btc usdt!' }).errors.symbols).toContain("'BTC USDT!' is not a symbol");
    expect(edited({ symbols: 'BTCUSDT, btcusdt' }).errors.symbols).toBe('A symbol is listed twice.');
    expect(edited({ symbols: ' , ' }).errors.symbols).toMatch(/at least one symbol/);
    const many = Array.from({ length: 21 }, (_, i) => `S${i}USDT`).join(',');
    expect(edited({ symbols: many }).errors.symbols).toBe('At most 20 symbols; there are 21.');
  });

  it('names what is wrong with a number: not one, negative, zero where it must be more, fractional, too big', () => {
    const { settings, errors } = edited({
      fee: '-0.1',
      slippageBps: 'abc',
      leverage: '0',
      volatilityWindow: '2.5',
      maxWeight: '11',
      cadenceBars: '0',
    });
    expect(settings).toBeNull();
    expect(errors).toEqual({
      'costs.feeRate': 'The fee must be 0 or more (not negative).',
      'costs.slippageBps': 'Enter a number for the slippage.',
      'risk.leverage': 'The leverage must be more than 0.',
      'costs.volatilityWindow': 'The volatility window must be a whole number.',
      'risk.maxWeight': 'The largest weight can be at most 10.',
      'risk.cadenceBars': 'The rebalance cadence must be at least 1.',
    });
  });

  it('checks the fee ceiling in the unit it is typed in', () => {
    // 5 % is the contract's ceiling: 500 bps fits, 6 % does not.
    expect(edited({ feeUnit: 'bps', fee: '500' }).errors).toEqual({});
    expect(edited({ fee: '6' }).errors['costs.feeRate']).toBe('The fee can be at most 5.');
    expect(edited({ feeUnit: 'bps', fee: '' }).errors['costs.feeRate']).toBe('Enter a number for the fee.');
  });

  it('asks a custom feed for a name that is not built in and for full URLs of the right schemes', () => {
    expect(edited({ feedChoice: 'custom', customFeed: '' }).errors).toMatchObject({
      feed: 'Name the custom feed, e.g. my-exchange.',
      restUrl: 'A custom feed needs its REST URL.',
      wsUrl: 'A custom feed needs its WebSocket URL.',
    });
    expect(edited({ feedChoice: 'custom', customFeed: 'simulator' }).errors.feed).toMatch(/built in/);
    expect(edited({ feedChoice: 'custom', customFeed: 'My Feed' }).errors.feed).toMatch(/cannot name a feed/);
    const { errors } = edited({
      feedChoice: 'custom',
      customFeed: 'mine',
      restUrl: 'ws://host',
      wsUrl: 'not a url',
    });
    expect(errors.restUrl).toBe('Enter a full URL starting with http:// or https://.');
    expect(errors.wsUrl).toBe('Enter a full URL starting with ws:// or wss://.');
  });

  it('leaves the URLs out for a built-in feed, whatever the URL fields hold', () => {
    const { settings, errors } = edited({ feedChoice: 'bybit', restUrl: 'junk', wsUrl: 'junk' });
    expect(errors).toEqual({});
    expect(settings).toMatchObject({ feed: 'bybit', restUrl: null, wsUrl: null });
  });
});

describe('changedSettings: what a save sends', () => {
  it('holds only the top-level keys that changed, nested groups whole', () => {
    const after = edited({ slippageBps: '3.5', theme: 'light' }).settings!;
    expect(changedSettings(SAVED, after)).toEqual({
      theme: 'light',
      costs: { ...SAVED.costs, slippageBps: 3.5 },
    });
  });

  it('sends a run-only value only when the user changed it', () => {
    // Demo mode runs on the simulator; saving a theme must not make the simulator a saved choice.
    const after: Settings = { ...SAVED, theme: 'light' };
    expect(Object.keys(changedSettings(SAVED, after))).toEqual(['theme']);
    expect(changedSettings(SAVED, { ...SAVED, symbols: ['BTCUSDT'] })).toEqual({ symbols: ['BTCUSDT'] });
  });
});

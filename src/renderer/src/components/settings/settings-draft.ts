// The settings form's working copy: what the inputs hold (text, as typed), and the checks that turn
// it back into Settings with a message per field. Field keys are the settings' paths ('symbols',
// 'costs.feeRate'), the same paths the core's INVALID_PARAMS issues name.
import { SettingsSchema, type Settings } from '../../../../shared/contract';
import { FeedSchema, SymbolSchema } from '../../../../shared/domain';

export const FEED_CHOICES = [
  { value: 'bybit', label: 'Bybit mainnet' },
  { value: 'bybit-testnet', label: 'Bybit testnet' },
  { value: 'simulator', label: 'Embedded simulator' },
  { value: 'custom', label: 'Custom (REST and WebSocket URLs)' },
] as const;
export type FeedChoice = (typeof FEED_CHOICES)[number]['value'];

export type FeeUnit = 'pct' | 'bps';
/** One fee unit in fractions of notional. */
export const FEE_UNIT_FRACTION: Record<FeeUnit, number> = { pct: 0.01, bps: 0.0001 };

export interface SettingsDraft {
  feedChoice: FeedChoice;
  customFeed: string;
  restUrl: string;
  wsUrl: string;
  symbols: string;
  interval: Settings['interval'];
  autoStream: boolean;
  theme: Settings['theme'];
  feeUnit: FeeUnit;
  fee: string;
  slippageBps: string;
  volatilityMultiplier: string;
  volatilityWindow: string;
  maxWeight: string;
  maxGross: string;
  leverage: string;
  allowShort: boolean;
  /** Percent of peak equity; 100 disables the kill switch. */
  killDrawdownPct: string;
  minTradeNotional: string;
  /** Percent of drift from the target weights. */
  rebalanceThresholdPct: string;
  /** No-trade band half-width, in round-trip costs. */
  noTradeBand: string;
  cadenceBars: string;
}

export type FieldErrors = Record<string, string>;

const BUILT_IN = new Set<string>(['bybit', 'bybit-testnet', 'simulator']);

/** Rounds away binary noise (0.055000000000000004) before a number is shown in an input. */
export function showNumber(value: number): string {
  return String(Number(value.toPrecision(10)));
}

export function toDraft(settings: Settings, feeUnit: FeeUnit = 'pct'): SettingsDraft {
  const builtIn = BUILT_IN.has(settings.feed);
  return {
    feedChoice: builtIn ? (settings.feed as FeedChoice) : 'custom',
    customFeed: builtIn ? '' : settings.feed,
    restUrl: settings.restUrl ?? '',
    wsUrl: settings.wsUrl ?? '',
    symbols: settings.symbols.join(', '),
    interval: settings.interval,
    autoStream: settings.autoStream,
    theme: settings.theme,
    feeUnit,
    fee: showNumber(settings.costs.feeRate / FEE_UNIT_FRACTION[feeUnit]),
    slippageBps: showNumber(settings.costs.slippageBps),
    volatilityMultiplier: showNumber(settings.costs.volatilityMultiplier),
    volatilityWindow: showNumber(settings.costs.volatilityWindow),
    maxWeight: showNumber(settings.risk.maxWeight),
    maxGross: showNumber(settings.risk.maxGross),
    leverage: showNumber(settings.risk.leverage),
    allowShort: settings.risk.allowShort,
    killDrawdownPct: showNumber(settings.risk.killDrawdown * 100),
    minTradeNotional: showNumber(settings.risk.minTradeNotional),
    rebalanceThresholdPct: showNumber(settings.risk.rebalanceThreshold * 100),
    noTradeBand: showNumber(settings.risk.noTradeBand),
    cadenceBars: showNumber(settings.risk.cadenceBars),
  };
}

interface NumberRule {
  min?: number;
  /** Whether `min` itself is allowed. */
  minInclusive?: boolean;
  max?: number;
  integer?: boolean;
  what: string;
}

/** Reads one number field; records a message for the user at `key` when it does not fit the rule. */
function readNumber(text: string, key: string, rule: NumberRule, errors: FieldErrors): number {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  const { min, max, what } = rule;
  if (!Number.isFinite(value)) errors[key] = `Enter a number for the ${what}.`;
  else if (rule.integer && !Number.isInteger(value)) errors[key] = `The ${what} must be a whole number.`;
  else if (min !== undefined && (rule.minInclusive === false ? value <= min : value < min))
    errors[key] =
      min === 0
        ? `The ${what} must be ${rule.minInclusive === false ? 'more than 0' : '0 or more (not negative)'}.`
        : `The ${what} must be at least ${min}.`;
  else if (max !== undefined && value > max) errors[key] = `The ${what} can be at most ${max}.`;
  return value;
}

function readSymbols(text: string, errors: FieldErrors): string[] {
  const symbols = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  const bad = symbols.find((s) => !SymbolSchema.safeParse(s).success);
  if (symbols.length === 0) errors.symbols = 'Enter at least one symbol, e.g. BTCUSDT.';
  else if (bad !== undefined)
    errors.symbols = `'${bad}' is not a symbol: use letters and digits only (e.g. BTCUSDT), separated by commas.`;
  else if (new Set(symbols).size !== symbols.length) errors.symbols = 'A symbol is listed twice.';
  else if (symbols.length > 20) errors.symbols = `At most 20 symbols; there are ${symbols.length}.`;
  return symbols;
}

function readUrl(
  text: string,
  key: 'restUrl' | 'wsUrl',
  schemes: string[],
  errors: FieldErrors,
): string | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    errors[key] = `A custom feed needs its ${key === 'restUrl' ? 'REST' : 'WebSocket'} URL.`;
    return null;
  }
  let url: URL | null = null;
  try {
    url = new URL(trimmed);
  } catch {
    url = null;
  }
  if (!url || !schemes.includes(url.protocol))
    errors[key] = `Enter a full URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}.`;
  return trimmed;
}

/** The settings the draft describes, or the messages of every field that does not fit. */
export function fromDraft(
  draft: SettingsDraft,
  base: Settings,
): { settings: Settings; errors: FieldErrors } | { settings: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const custom = draft.feedChoice === 'custom';
  const feed = custom ? draft.customFeed.trim() : draft.feedChoice;
  if (custom && !FeedSchema.safeParse(feed).success)
    errors.feed =
      feed === ''
        ? 'Name the custom feed, e.g. my-exchange.'
        : `'${feed}' cannot name a feed: use lower-case letters, digits, - and _.`;
  else if (custom && BUILT_IN.has(feed))
    errors.feed = `'${feed}' is built in: choose it from the list above.`;
  const restUrl = custom ? readUrl(draft.restUrl, 'restUrl', ['http:', 'https:'], errors) : null;
  const wsUrl = custom ? readUrl(draft.wsUrl, 'wsUrl', ['ws:', 'wss:'], errors) : null;

  const feeRate =
    readNumber(
      draft.fee,
      'costs.feeRate',
      { min: 0, max: 0.05 / FEE_UNIT_FRACTION[draft.feeUnit], what: 'fee' },
      errors,
    ) * FEE_UNIT_FRACTION[draft.feeUnit];
  const settings: Settings = {
    ...base,
    feed,
    restUrl,
    wsUrl,
    symbols: readSymbols(draft.symbols, errors),
    interval: draft.interval,
    autoStream: draft.autoStream,
    theme: draft.theme,
    costs: {
      feeRate: Number(feeRate.toPrecision(12)),
      slippageBps: readNumber(
        draft.slippageBps,
        'costs.slippageBps',
        { min: 0, max: 1000, what: 'slippage' },
        errors,
      ),
      volatilityMultiplier: readNumber(
        draft.volatilityMultiplier,
        'costs.volatilityMultiplier',
        { min: 0, max: 100, what: 'volatility multiplier' },
        errors,
      ),
      volatilityWindow: readNumber(
        draft.volatilityWindow,
        'costs.volatilityWindow',
        { min: 2, max: 10_000, integer: true, what: 'volatility window' },
        errors,
      ),
    },
    risk: {
      maxWeight: readNumber(
        draft.maxWeight,
        'risk.maxWeight',
        { min: 0, max: 10, what: 'largest weight' },
        errors,
      ),
      maxGross: readNumber(
        draft.maxGross,
        'risk.maxGross',
        { min: 0, max: 10, what: 'gross exposure' },
        errors,
      ),
      leverage: readNumber(
        draft.leverage,
        'risk.leverage',
        { min: 0, minInclusive: false, max: 100, what: 'leverage' },
        errors,
      ),
      allowShort: draft.allowShort,
      killDrawdown:
        readNumber(
          draft.killDrawdownPct,
          'risk.killDrawdown',
          { min: 0, minInclusive: false, max: 100, what: 'kill drawdown' },
          errors,
        ) / 100,
      minTradeNotional: readNumber(
        draft.minTradeNotional,
        'risk.minTradeNotional',
        { min: 0, what: 'smallest trade' },
        errors,
      ),
      rebalanceThreshold:
        readNumber(
          draft.rebalanceThresholdPct,
          'risk.rebalanceThreshold',
          { min: 0, max: 1000, what: 'rebalance threshold' },
          errors,
        ) / 100,
      noTradeBand: readNumber(
        draft.noTradeBand,
        'risk.noTradeBand',
        { min: 0, max: 1000, what: 'no-trade band' },
        errors,
      ),
      cadenceBars: readNumber(
        draft.cadenceBars,
        'risk.cadenceBars',
        { min: 1, max: 100_000, integer: true, what: 'rebalance cadence' },
        errors,
      ),
    },
  };
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  // The contract has the last word; anything it refuses that the checks above missed lands at its path.
  const checked = SettingsSchema.safeParse(settings);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const key = issue.path.filter((p) => typeof p === 'string').join('.');
      errors[key] ??= issue.message;
    }
    return { settings: null, errors };
  }
  return { settings: checked.data, errors };
}

/** The top-level keys whose values differ, with the new values: what a save must send. */
export function changedSettings(before: Settings, after: Settings): Partial<Settings> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  return patch as Partial<Settings>;
}

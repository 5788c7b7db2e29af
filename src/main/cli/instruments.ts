// `instruments`: the stored lot rules of a feed (source and time fetched), or, with --symbol and the
// rule flags, the rules of an imported feed as the user gives them (backtests and paper trading on that
// feed then size orders by them; without, rules are derived from the price and the run says so).
import type { InstrumentRules } from '../../shared/domain';
import {
  isoTime,
  optionalString,
  requireString,
  UsageError,
  writeJson,
  type Command,
  type OptionValues,
} from './command';

function positive(values: OptionValues, flag: string, required: boolean): number | undefined {
  const text = optionalString(values, flag);
  if (text === undefined) {
    if (required) throw new UsageError(`--${flag} is required with --symbol.`);
    return undefined;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (required && value === 0))
    throw new UsageError(
      `--${flag} must be a ${required ? 'positive' : 'non-negative'} number, not '${text}'.`,
    );
  return value;
}

export const instrumentsCommand: Command = {
  name: 'instruments',
  summary: "show a feed's stored lot rules, or give the rules of an imported feed's symbol",
  usage:
    '--feed F [--symbol S --tick-size X --qty-step X --min-qty X [--min-notional X] [--max-leverage X] [--funding-interval MIN]]',
  options: {
    feed: { type: 'string' },
    symbol: { type: 'string' },
    'tick-size': { type: 'string' },
    'qty-step': { type: 'string' },
    'min-qty': { type: 'string' },
    'min-notional': { type: 'string' },
    'max-leverage': { type: 'string' },
    'funding-interval': { type: 'string' },
  },
  async run({ values, json, core, signal, stdout }) {
    const feed = requireString(values, 'feed');
    const symbol = optionalString(values, 'symbol');
    const { dispatch } = await core();
    let rules: InstrumentRules[];
    if (symbol !== undefined) {
      const given = {
        symbol,
        tickSize: positive(values, 'tick-size', true)!,
        qtyStep: positive(values, 'qty-step', true)!,
        minOrderQty: positive(values, 'min-qty', true)!,
        ...optionalNumber('minNotionalValue', positive(values, 'min-notional', false)),
        ...optionalNumber('maxLeverage', positive(values, 'max-leverage', false)),
        ...optionalNumber('fundingIntervalMinutes', positive(values, 'funding-interval', false)),
      };
      rules = (await dispatch(
        'market.setInstruments',
        { feed, rules: [given] },
        { signal },
      )) as InstrumentRules[];
    } else {
      rules = (await dispatch('market.instruments', { feed }, { signal })) as InstrumentRules[];
    }
    if (json) {
      writeJson(stdout, { feed, rules });
      return;
    }
    if (rules.length === 0) {
      stdout.write(`No stored rules for feed '${feed}' (a backfill stores the exchange's).\n`);
      return;
    }
    for (const r of rules) {
      stdout.write(
        `${r.symbol.padEnd(12)} qty step ${r.qtyStep}  min qty ${r.minOrderQty}  min notional ${r.minNotionalValue} USDT  ` +
          `tick ${r.tickSize}  max leverage ${r.maxLeverage}x  funding every ${r.fundingIntervalMinutes} min  ` +
          `${r.source}${r.fetchedAtMs === null ? '' : ` (fetched ${isoTime(r.fetchedAtMs)})`}\n`,
      );
    }
  },
};

function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

// Lot rules and funding for a run (backtest or paper account) over one feed. The rules are the ones
// stored for that feed (instruments-info as fetched on backfill or stream start, the simulator's table
// for the simulator's feed, or what the user gave for an imported feed); a feed with none stored gets
// rules derived from the price and the run says so. Funding comes from the feed's stored history; a
// symbol whose history does not cover the run is named in the run's notes, never silently zero.
import type { RunMarketRules } from '../../../shared/contract/backtest';
import {
  utcMinute,
  type FundingRate,
  type InstrumentRules,
  type InstrumentSource,
} from '../../../shared/domain';
import { SIMULATOR_FEED } from '../market/feeds';
import { instrumentRules } from '../market/simulator/instruments';
import { FUNDING_INTERVAL_MINUTES } from '../market/simulator/funding';
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import { ArrayFundingFeed } from './funding';
import type { InstrumentSpec } from './types';

/** The simulator's table (or its price-derived rules for other symbols), as InstrumentRules. */
export function simulatorRules(
  symbol: string,
  referencePrice: number,
  source: InstrumentSource,
): InstrumentRules {
  const r = instrumentRules(symbol, referencePrice);
  return {
    symbol,
    status: 'Trading',
    launchTimeMs: 0,
    tickSize: 10 ** -r.priceDecimals,
    qtyStep: 10 ** -r.qtyDecimals,
    minOrderQty: r.minOrderQty,
    maxMarketOrderQty: r.maxMktOrderQty,
    minNotionalValue: r.minNotionalValue,
    maxLeverage: r.maxLeverage,
    fundingIntervalMinutes: FUNDING_INTERVAL_MINUTES,
    source,
    fetchedAtMs: null,
  };
}

export function specOf(rules: InstrumentRules): InstrumentSpec {
  return {
    symbol: rules.symbol,
    qtyStep: rules.qtyStep,
    minOrderQty: rules.minOrderQty,
    minNotionalValue: rules.minNotionalValue,
  };
}

/** Rules from the simulator's table; for callers with no store (tests, benchmarks). */
export function instrumentSpecFor(symbol: string, referencePrice: number): InstrumentSpec {
  return specOf(simulatorRules(symbol, referencePrice, 'derived'));
}

export interface RunInstruments {
  specs: InstrumentSpec[];
  rules: InstrumentRules[];
  sources: Record<string, InstrumentSource>;
}

/** The stored rules of `feed` per symbol, else the simulator's table (simulator feed) or derived ones. */
export function instrumentsForRun(
  repo: InstrumentsRepo | undefined,
  feed: string,
  symbols: readonly string[],
  referencePrices: ArrayLike<number>,
): RunInstruments {
  const rules = symbols.map(
    (symbol, i) =>
      repo?.get(feed, symbol) ??
      simulatorRules(symbol, referencePrices[i] ?? 1, feed === SIMULATOR_FEED ? 'simulator' : 'derived'),
  );
  return {
    rules,
    specs: rules.map(specOf),
    sources: Object.fromEntries(rules.map((r) => [r.symbol, r.source])),
  };
}

export interface RunFunding {
  feed: ArrayFundingFeed;
  modelled: Record<string, boolean>;
  notes: string[];
}

/** The stored funding of [from, to] per symbol, and a note for each symbol it does not cover. */
export function fundingForRun(
  repo: FundingRepo | undefined,
  feed: string,
  symbols: readonly string[],
  from: number,
  to: number,
): RunFunding {
  const modelled: Record<string, boolean> = {};
  const notes: string[] = [];
  const rates: FundingRate[][] = symbols.map((symbol) => {
    const coverage = repo?.coverage(feed, symbol);
    const covered =
      coverage?.checkedFrom != null &&
      coverage.checkedTo != null &&
      coverage.checkedFrom <= from &&
      coverage.checkedTo >= to;
    modelled[symbol] = covered;
    if (
      !coverage ||
      coverage.checkedFrom === null ||
      coverage.checkedTo === null ||
      coverage.checkedTo < from ||
      coverage.checkedFrom > to
    ) {
      notes.push(
        `funding not modelled: no funding history for ${symbol} on feed '${feed}' (backfill it, or import a funding CSV for an imported feed)`,
      );
      return [];
    }
    if (!covered) {
      notes.push(
        `funding modelled for ${symbol} only from ${utcMinute(Math.max(from, coverage.checkedFrom))} to ${utcMinute(Math.min(to, coverage.checkedTo))}: ` +
          'no funding history for the rest of the run',
      );
    }
    return repo!.range({ feed, symbol, from, to });
  });
  return { feed: new ArrayFundingFeed(rates), modelled, notes };
}

/** What a run reports about its rules and funding. */
export function marketRulesReport(instruments: RunInstruments, funding: RunFunding): RunMarketRules {
  const derived = Object.entries(instruments.sources)
    .filter(([, source]) => source === 'derived')
    .map(([symbol]) => symbol);
  const notes = [...funding.notes];
  if (derived.length > 0) {
    notes.push(
      `lot rules derived from the price for ${derived.join(', ')}: the feed has no stored instrument rules (backfill it, or give them for an imported feed)`,
    );
  }
  return { instrumentsSource: instruments.sources, fundingModelled: funding.modelled, notes };
}

// Checks shared by the backfill and import forms: a feed name and symbols as the contract spells them.
import { FeedSchema, SymbolSchema } from '../../../../shared/domain';

/** A message for the user, or null when `feed` can name a feed. */
export function feedProblem(feed: string): string | null {
  if (feed === '') return 'Name the feed, e.g. simulator, bybit or my-csv.';
  return FeedSchema.safeParse(feed).success
    ? null
    : `'${feed}' cannot name a feed: use lower-case letters, digits, - and _.`;
}

export function symbolProblem(symbol: string): string | null {
  if (symbol === '') return 'Enter a symbol, e.g. BTCUSDT.';
  return SymbolSchema.safeParse(symbol).success
    ? null
    : `'${symbol}' is not a symbol: use letters and digits only, e.g. BTCUSDT.`;
}

/** Comma-separated symbols, upper-cased; the first problem found, if any. */
export function readSymbolList(text: string): { symbols: string[]; problem: string | null } {
  const symbols = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  if (symbols.length === 0) return { symbols, problem: 'Enter at least one symbol, e.g. BTCUSDT.' };
  for (const symbol of symbols) {
    const problem = symbolProblem(symbol);
    if (problem) return { symbols, problem };
  }
  return { symbols, problem: null };
}

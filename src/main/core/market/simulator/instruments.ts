// Instrument rules of the simulated exchange: tick size, quantity step and order limits per symbol.
// The five default symbols copy Bybit's linear perpetuals; any other symbol gets rules derived from
// its price so that a tick is about 1e-5 of the price and a quantity step is worth a few USDT.

export interface SimInstrumentRules {
  symbol: string;
  baseCoin: string;
  quoteCoin: string;
  /** Decimals of prices: tickSize = 10^-priceDecimals. */
  priceDecimals: number;
  /** Decimals of quantities: qtyStep = 10^-qtyDecimals. */
  qtyDecimals: number;
  minOrderQty: number;
  maxOrderQty: number;
  maxMktOrderQty: number;
  postOnlyMaxOrderQty: number;
  /** In quote coin. */
  minNotionalValue: number;
  maxLeverage: number;
}

const KNOWN: Record<string, Omit<SimInstrumentRules, 'symbol' | 'baseCoin' | 'quoteCoin'>> = {
  BTCUSDT: {
    priceDecimals: 1,
    qtyDecimals: 3,
    minOrderQty: 0.001,
    maxOrderQty: 1190,
    maxMktOrderQty: 119,
    postOnlyMaxOrderQty: 1190,
    minNotionalValue: 5,
    maxLeverage: 100,
  },
  ETHUSDT: {
    priceDecimals: 2,
    qtyDecimals: 2,
    minOrderQty: 0.01,
    maxOrderQty: 7240,
    maxMktOrderQty: 724,
    postOnlyMaxOrderQty: 7240,
    minNotionalValue: 5,
    maxLeverage: 100,
  },
  SOLUSDT: {
    priceDecimals: 2,
    qtyDecimals: 1,
    minOrderQty: 0.1,
    maxOrderQty: 79770,
    maxMktOrderQty: 7977,
    postOnlyMaxOrderQty: 79770,
    minNotionalValue: 5,
    maxLeverage: 50,
  },
  AVAXUSDT: {
    priceDecimals: 3,
    qtyDecimals: 1,
    minOrderQty: 0.1,
    maxOrderQty: 90000,
    maxMktOrderQty: 9000,
    postOnlyMaxOrderQty: 90000,
    minNotionalValue: 5,
    maxLeverage: 50,
  },
  DOTUSDT: {
    priceDecimals: 3,
    qtyDecimals: 1,
    minOrderQty: 0.1,
    maxOrderQty: 500000,
    maxMktOrderQty: 50000,
    postOnlyMaxOrderQty: 500000,
    minNotionalValue: 5,
    maxLeverage: 50,
  },
};

const QUOTES = ['USDT', 'USDC', 'USD'];

function splitCoins(symbol: string): { baseCoin: string; quoteCoin: string } {
  const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  return quote
    ? { baseCoin: symbol.slice(0, -quote.length), quoteCoin: quote }
    : { baseCoin: symbol, quoteCoin: 'USDT' };
}

/** The rules for `symbol`; `referencePrice` sizes ticks and steps of symbols not in the table. */
export function instrumentRules(symbol: string, referencePrice: number): SimInstrumentRules {
  const coins = splitCoins(symbol);
  const known = KNOWN[symbol];
  if (known) return { symbol, ...coins, ...known };
  const magnitude = Math.floor(Math.log10(Math.max(referencePrice, 1e-8)));
  const priceDecimals = Math.min(8, Math.max(0, 5 - magnitude));
  const qtyDecimals = Math.min(3, Math.max(0, magnitude - 1));
  const minOrderQty = 10 ** -qtyDecimals;
  return {
    symbol,
    ...coins,
    priceDecimals,
    qtyDecimals,
    minOrderQty,
    maxOrderQty: roundTo(minOrderQty * 1_000_000, qtyDecimals),
    maxMktOrderQty: roundTo(minOrderQty * 100_000, qtyDecimals),
    postOnlyMaxOrderQty: roundTo(minOrderQty * 1_000_000, qtyDecimals),
    minNotionalValue: 5,
    maxLeverage: 25,
  };
}

/** Rounds to `decimals` places and returns the shortest number that prints as that decimal. */
export function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** Text of a step such as 0.001, never in exponent form. */
export function stepText(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

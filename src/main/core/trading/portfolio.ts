// The account: cash, signed quantities, average entry prices, realised P&L and fees per asset.
// Perpetuals are linear contracts settled in the quote coin. The book is kept the spot way, which is
// exact for linear contracts: a buy moves quantity x price out of cash into the position, a sell moves
// it back, so equity = cash + sum(quantity x price) at any marking price, and shorts raise cash.
// Funding payments (funding.ts) move cash only: paid ones out, received ones in.

export interface PortfolioSnapshot {
  cash: number;
  quantities: number[];
  averageEntry: number[];
  realised: number[];
  fees: number[];
  tradedNotional: number[];
  /** Funding paid per asset (received counts negative); absent in snapshots from before funding. */
  funding?: number[];
}

export class Portfolio {
  cash: number;
  readonly quantities: Float64Array;
  /** Average entry price of the open position; 0 when flat. */
  readonly averageEntry: Float64Array;
  /** Realised P&L per asset before fees, quote coin. */
  readonly realised: Float64Array;
  readonly fees: Float64Array;
  /** Sum of |quantity x price| traded per asset. */
  readonly tradedNotional: Float64Array;
  /** Funding paid per asset, quote coin; received funding counts negative. */
  readonly funding: Float64Array;

  constructor(
    readonly initialCapital: number,
    readonly size: number,
  ) {
    this.cash = initialCapital;
    this.quantities = new Float64Array(size);
    this.averageEntry = new Float64Array(size);
    this.realised = new Float64Array(size);
    this.fees = new Float64Array(size);
    this.tradedNotional = new Float64Array(size);
    this.funding = new Float64Array(size);
  }

  /** cash + sum(quantity x price). */
  equity(prices: ArrayLike<number>): number {
    let equity = this.cash;
    for (let i = 0; i < this.size; i++) equity += this.quantities[i]! * prices[i]!;
    return equity;
  }

  /** sum(|quantity x price|). */
  grossExposure(prices: ArrayLike<number>): number {
    let gross = 0;
    for (let i = 0; i < this.size; i++) gross += Math.abs(this.quantities[i]! * prices[i]!);
    return gross;
  }

  /** (price - average entry) x quantity of asset i. */
  unrealised(i: number, price: number): number {
    const q = this.quantities[i]!;
    return q === 0 ? 0 : (price - this.averageEntry[i]!) * q;
  }

  /**
   * Applies a trade of signed `quantity` at `price` with `fee` (quote coin). Returns the P&L realised by
   * the part that reduced the position.
   */
  trade(i: number, quantity: number, price: number, fee: number): number {
    const before = this.quantities[i]!;
    const after = before + quantity;
    let realised = 0;
    if (before !== 0 && Math.sign(quantity) !== Math.sign(before)) {
      // Reducing (and maybe flipping): the closed part realises against the average entry.
      const closed = Math.min(Math.abs(quantity), Math.abs(before));
      realised = (price - this.averageEntry[i]!) * closed * Math.sign(before);
      if (Math.abs(quantity) > Math.abs(before)) this.averageEntry[i] = price;
      else if (after === 0 || Math.abs(after) < Math.abs(before) * 1e-12) this.averageEntry[i] = 0;
    } else {
      // Opening or adding: the entry is the quantity-weighted mean.
      this.averageEntry[i] = after === 0 ? 0 : (this.averageEntry[i]! * before + price * quantity) / after;
    }
    // Quantities are multiples of a lot step; snap float residue so a closed position is exactly 0.
    this.quantities[i] = Math.abs(after) < 1e-12 * Math.max(1, Math.abs(before)) ? 0 : after;
    if (this.quantities[i] === 0) this.averageEntry[i] = 0;
    this.cash -= quantity * price + fee;
    this.realised[i] = this.realised[i]! + realised;
    this.fees[i] = this.fees[i]! + fee;
    this.tradedNotional[i] = this.tradedNotional[i]! + Math.abs(quantity * price);
    return realised;
  }

  /** Pays `payment` (quote coin; negative: receives) of funding on asset i. */
  payFunding(i: number, payment: number): void {
    this.cash -= payment;
    this.funding[i] = this.funding[i]! + payment;
  }

  /** Funding paid over all assets, net of funding received. */
  totalFunding(): number {
    let total = 0;
    for (let i = 0; i < this.size; i++) total += this.funding[i]!;
    return total;
  }

  totalFees(): number {
    let total = 0;
    for (let i = 0; i < this.size; i++) total += this.fees[i]!;
    return total;
  }

  snapshot(): PortfolioSnapshot {
    return {
      cash: this.cash,
      quantities: Array.from(this.quantities),
      averageEntry: Array.from(this.averageEntry),
      realised: Array.from(this.realised),
      fees: Array.from(this.fees),
      tradedNotional: Array.from(this.tradedNotional),
      funding: Array.from(this.funding),
    };
  }

  restore(snapshot: PortfolioSnapshot): void {
    if (snapshot.quantities.length !== this.size) {
      throw new Error(`portfolio snapshot has ${snapshot.quantities.length} assets, expected ${this.size}`);
    }
    this.cash = snapshot.cash;
    this.quantities.set(snapshot.quantities);
    this.averageEntry.set(snapshot.averageEntry);
    this.realised.set(snapshot.realised);
    this.fees.set(snapshot.fees);
    this.tradedNotional.set(snapshot.tradedNotional);
    this.funding.set(snapshot.funding ?? new Array<number>(this.size).fill(0));
  }
}

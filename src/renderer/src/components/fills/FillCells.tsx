// The columns every fills table starts with (when, what, which way, how much, at what price), drawn
// the same in the Live view's recent fills and a backtest's fills, in the window's one format
// (format.ts): UTC times, quantities and prices that never turn into exponent notation.
import type { FillDto } from '../../../../shared/contract/backtest';
import { formatPrice, formatQuantity, formatUtcMinute } from '../../format';

export interface FillFormat {
  /** Class of the right-aligned number cells in the view's table. */
  numeric: string;
  /** Class of the time cell, if the view's table sets one. */
  timeClass?: string;
}

/** Buys read green, sells red. */
export function sideClass(side: FillDto['side']): string {
  return side === 'buy' ? 'is-up' : 'is-down';
}

export function FillHeadCells({ format, timeLabel }: { format: FillFormat; timeLabel: string }) {
  return (
    <>
      <th>{timeLabel} (UTC)</th>
      <th>Symbol</th>
      <th>Side</th>
      <th className={format.numeric}>Qty</th>
      <th className={format.numeric}>Price</th>
    </>
  );
}

export function FillCells({ fill, format }: { fill: FillDto; format: FillFormat }) {
  return (
    <>
      <td className={format.timeClass}>{formatUtcMinute(fill.time)}</td>
      <td>{fill.symbol}</td>
      <td className={sideClass(fill.side)}>{fill.side}</td>
      <td className={format.numeric}>{formatQuantity(fill.quantity)}</td>
      <td className={format.numeric}>{formatPrice(fill.price)}</td>
    </>
  );
}

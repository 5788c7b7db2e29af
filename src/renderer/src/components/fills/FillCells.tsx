// The columns every fills table starts with (when, what, which way, how much, at what price), drawn
// the same in the Live view's recent fills and a backtest's fills. Each view keeps its own number
// formats and table classes: a live desk shows the bar's day and time and the chart's price
// precision, a stored run spans years and reads in significant digits.
import type { FillDto } from '../../../../shared/contract/backtest';

export interface FillFormat {
  /** Class of the right-aligned number cells in the view's table. */
  numeric: string;
  /** Class of the time cell, if the view's table sets one. */
  timeClass?: string;
  time: (ms: number) => string;
  quantity: (quantity: number) => string;
  price: (price: number) => string;
}

/** Buys read green, sells red. */
export function sideClass(side: FillDto['side']): string {
  return side === 'buy' ? 'is-up' : 'is-down';
}

export function FillHeadCells({ format, timeLabel }: { format: FillFormat; timeLabel: string }) {
  return (
    <>
      <th>{timeLabel}</th>
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
      <td className={format.timeClass}>{format.time(fill.time)}</td>
      <td>{fill.symbol}</td>
      <td className={sideClass(fill.side)}>{fill.side}</td>
      <td className={format.numeric}>{format.quantity(fill.quantity)}</td>
      <td className={format.numeric}>{format.price(fill.price)}</td>
    </>
  );
}

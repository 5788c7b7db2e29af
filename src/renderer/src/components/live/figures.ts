// How the Live view's trading figures read: weights and returns in percent, money with separators,
// bar times in UTC (the exchange's clock).
import { pricePrecision } from '../../chart/candle-book';

/** Signed percent with one decimal: 0.1234 → '+12.3%'. */
export function formatWeight(weight: number): string {
  const percent = weight * 100;
  const rounded = Math.abs(percent) < 0.05 ? 0 : percent;
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(1)}%`;
}

/** Signed percent with two decimals: a return or a drawdown. */
export function formatPercent(fraction: number, signed = true): string {
  const percent = fraction * 100;
  return `${signed && percent > 0 ? '+' : ''}${percent.toFixed(2)}%`;
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeMoney = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Account currency (USDT) with two decimals and separators. */
export function formatMoney(value: number): string {
  return money.format(value);
}

/** Signed money: '+1,234.50' or '-12.00'. */
export function formatPnl(value: number): string {
  const text = money.format(Math.abs(value));
  if (Math.abs(value) < 0.005) return text;
  return `${value > 0 ? '+' : '-'}${text}`;
}

/** Axis labels: whole units. */
export function formatMoneyAxis(value: number): string {
  return wholeMoney.format(value);
}

/** Quantities of coins: up to 4 significant decimals, enough for 0.0012 BTC and 1,250 DOT. */
export function formatQuantity(quantity: number): string {
  const abs = Math.abs(quantity);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 3 : 4;
  return quantity.toFixed(digits);
}

/** A price with the chart's precision for its size. */
export function formatPrice(price: number): string {
  return price.toFixed(pricePrecision(price));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A bar's open time in UTC: '05-14 13:00'. */
export function formatBarTime(time: number): string {
  const d = new Date(time);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A time axis label in UTC: '14 13:00' (day and time), short enough for four ticks. */
export function formatAxisTime(time: number): string {
  const d = new Date(time);
  return `${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A time of day in UTC: '13:00', for axes that span less than a day. */
export function formatClockTime(time: number): string {
  const d = new Date(time);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Red/green class by sign, none for zero. */
export function signClass(value: number): string {
  if (value > 0) return ' is-up';
  if (value < 0) return ' is-down';
  return '';
}

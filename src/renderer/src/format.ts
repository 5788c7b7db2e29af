// How every figure in the window reads: the one home for numbers, money, percentages, costs, intervals,
// durations and times. Rules kept here so that no view invents its own:
// - money carries its currency (USDT, the quote of every perpetual the app trades);
// - percentages have two decimals everywhere (progress bars, which show whole percents, excepted);
// - a fee is shown and typed in percent of notional, slippage in basis points, in every form;
// - intervals read as the app names them ('1h', never '60');
// - times are UTC in one style, '2024-05-01 12:00 UTC' (the exchange's clock, the store's clock);
// - no exponent notation: figures too large to read in full use k/M/B suffixes, tiny ones significant digits.
import { baseAsset, intervalName } from '../../shared/domain';

/** The account currency: every traded perpetual is quoted and settled in it. */
export const CURRENCY = 'USDT';
/** Digits after the point of every percentage in the window. */
export const PERCENT_DIGITS = 2;

const DASH = '—';
const finite = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

const grouped = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const GROUPED = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(grouped);
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A plain number with separators and `digits` decimals: 12,345.68. Never exponent notation. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (!finite(value)) return DASH;
  const abs = Math.abs(value);
  // Beyond a trillion the digits stop meaning anything to a reader: 1.2T.
  if (abs >= 1e12) return COMPACT.format(value);
  const text = GROUPED[Math.max(0, Math.min(8, digits))]!.format(value);
  return text === `-${GROUPED[Math.max(0, Math.min(8, digits))]!.format(0)}` ? text.slice(1) : text;
}

/** Three significant digits, for small rates: 0.001, 0.000125. Never exponent notation. */
export function formatSignificant(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return SIGNIFICANT.format(value);
}

/** A whole count with separators: 12,345. */
export function formatCount(value: number | null | undefined): string {
  return finite(value) ? GROUPED[0]!.format(Math.round(value)) : DASH;
}

/** Large magnitudes in a narrow space (axes, tiles): 950, 12.3k, 1.25M. */
export function formatCompact(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return Math.abs(value) < 1000 ? formatNumber(value, Math.abs(value) >= 100 ? 0 : 2) : COMPACT.format(value);
}

/** Money in the account currency: '12,345.67 USDT'. */
export function formatMoney(value: number | null | undefined): string {
  return finite(value) ? `${formatNumber(value, 2)} ${CURRENCY}` : DASH;
}

/** Money in a table whose header names the currency: '12,345.67'. */
export function formatAmount(value: number | null | undefined): string {
  return formatNumber(value, 2);
}

/** Signed money, for P&L: '+1,234.50 USDT', '-12.00 USDT', '0.00 USDT'. */
export function formatPnl(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  if (Math.abs(value) < 0.005) return formatMoney(0);
  return `${value > 0 ? '+' : ''}${formatMoney(value)}`;
}

/** Signed money in a table whose header names the currency: '+1,234.50'. */
export function formatSignedAmount(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  if (Math.abs(value) < 0.005) return formatAmount(0);
  return `${value > 0 ? '+' : ''}${formatAmount(value)}`;
}

/**
 * A fraction as a percentage with PERCENT_DIGITS decimals: 0.1234 → '+12.34%' (signed by default).
 * Annualising a short, strong run gives absurd figures: those read '+51B%', never '+5.1e+10%'.
 */
export function formatPercent(fraction: number | null | undefined, signed = true): string {
  if (!finite(fraction)) return DASH;
  const percent = fraction * 100;
  const rounded = Math.abs(percent) < 0.5 * 10 ** -PERCENT_DIGITS ? 0 : percent;
  const sign = signed && rounded > 0 ? '+' : '';
  const body = Math.abs(rounded) >= 1e6 ? COMPACT.format(rounded) : formatNumber(rounded, PERCENT_DIGITS);
  return `${sign}${body}%`;
}

/** A share of 1 as a whole percent, for progress bars only: 0.456 → '46%'. */
export function formatProgress(fraction: number | null | undefined): string {
  if (!finite(fraction)) return DASH;
  return `${Math.floor(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

/** Signed percent change from open to close: '+0.42%'. */
export function formatChange(open: number, close: number): string {
  return formatPercent(open === 0 ? 0 : (close - open) / open);
}

/** A ratio such as Sharpe or Calmar: '1.23'; absurd magnitudes read '12.3k', never '1.2e+4'. */
export function formatRatio(value: number | null | undefined, digits = 2): string {
  if (!finite(value)) return DASH;
  return Math.abs(value) >= 1e5 ? COMPACT.format(value) : formatNumber(value, digits);
}

/** An estimate with its 95% interval, '1.23 [-0.50, 2.96]'; the estimate alone when there is none. */
export function formatWithInterval(
  value: number | null | undefined,
  interval: { low: number | null; high: number | null } | undefined,
  digits = 2,
): string {
  const estimate = formatRatio(value, digits);
  if (!interval || !finite(interval.low) || !finite(interval.high)) return estimate;
  return `${estimate} [${formatRatio(interval.low, digits)}, ${formatRatio(interval.high, digits)}]`;
}

/** Fee as a fraction of notional, shown in percent as every form takes it: 0.00055 → '0.055%'. */
export function formatFee(fraction: number | null | undefined): string {
  if (!finite(fraction)) return DASH;
  return `${trimZeros(formatNumber(fraction * 100, 4))}%`;
}

/** The number a fee field shows for a fraction of notional: 0.00055 → '0.055'. */
export function feeToPercentInput(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(12)));
}

/** A fee field's percent back to a fraction of notional: '0.055' → 0.00055. */
export function feeFromPercentInput(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

/** Slippage in basis points: '2.0 bps'. */
export function formatBps(bps: number | null | undefined): string {
  return finite(bps) ? `${formatNumber(bps, 1)} bps` : DASH;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A coin quantity: enough decimals for 0.0012 BTC and 43,190.0 DOGE, never '4.319e+4'. */
export function formatQuantity(quantity: number | null | undefined): string {
  if (!finite(quantity)) return DASH;
  const abs = Math.abs(quantity);
  return formatNumber(quantity, abs >= 100 ? 1 : abs >= 1 ? 3 : abs >= 0.01 ? 4 : 6);
}

/** Enough decimals to see a tick move at this price level (BTC at 2, a $5 coin at 4). */
export function pricePrecision(price: number | null): number {
  if (price === null || !Number.isFinite(price) || price <= 0) return 2;
  if (price >= 1000) return 2;
  if (price >= 10) return 3;
  if (price >= 1) return 4;
  return 6;
}

/** A price with the precision for its size: '60,442.30', '5.3850'. */
export function formatPrice(price: number | null | undefined): string {
  return finite(price) ? formatNumber(price, pricePrecision(price)) : DASH;
}

/** A model loss: four decimals, one when large. */
export function formatLoss(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return formatNumber(value, Math.abs(value) >= 100 ? 1 : 4);
}

/** Bybit interval codes as the app names them ('60' → 1h): the shared rule the core names runs by. */
export const formatInterval = intervalName;

/** How long something took or will take: '950 ms', '4.6 s', '2 min 5 s', '3 h 5 min', '2.5 d'. */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms) || ms < 0) return DASH;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${formatNumber(ms / 86_400_000, 1)} d`;
}

/** A window of time in the interval style: 60 h → '60h', 3 days → '3D', 90 min → '90m'. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return DASH;
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return `${minutes / 1440}D`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return DASH;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The minute of a UTC time without the zone: '2024-05-01 12:00' (for inputs and columns headed UTC). */
export function formatUtcMinute(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The app's one date-time style: '2024-05-01 12:00 UTC'. */
export function formatDateTime(ms: number | null | undefined): string {
  return finite(ms) ? `${formatUtcMinute(ms)} UTC` : DASH;
}

/** A UTC day: '2024-05-01'. */
export function formatDate(ms: number | null | undefined): string {
  return finite(ms) ? formatUtcMinute(ms).slice(0, 10) : DASH;
}

/** What a date-time field shows for an epoch ms: '2024-05-01 12:00' (UTC, never the US order). */
export function toUtcInput(ms: number): string {
  return formatUtcMinute(ms);
}

/**
 * A date-time field read as UTC: `2024-05-01`, `2024-05-01 12:00`, `2024-05-01T12:00`,
 * `2024-05-01T12:00:00Z` or epoch ms. Null when it is none of these or not a real date.
 */
export function parseUtcInput(text: string): number | null {
  const value = text.trim();
  if (/^\d{10,}$/.test(value)) return Number(value);
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z?)?(?: UTC)?$/.exec(
    value,
  );
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // 2024-02-31 would roll over to March: not a date the user meant.
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return null;
  return Number(h) > 23 || Number(mi) > 59 ? null : ms;
}

/** Up/down class of a signed figure: 'is-up', 'is-down' or ''. */
export function signClass(value: number | null | undefined): string {
  if (!finite(value) || value === 0) return '';
  return value > 0 ? 'is-up' : 'is-down';
}

/** BTCUSDT → BTC (the shared rule, so that run names and the window agree). */
export { baseAsset };

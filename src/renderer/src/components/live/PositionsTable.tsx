// The account's positions: quantity, average entry, last close, value and P&L per symbol (their
// weights are in the Weights panel).
import type { PaperAccount } from '../../../../shared/contract/paper';
import {
  formatAmount,
  formatDateTime,
  formatMoney,
  formatPrice,
  formatQuantity,
  formatSignedAmount,
  signClass,
} from '../../format';
import { useChangedAt, useFreshness } from '../../api/freshness';
import { LiveTablePanel } from './LiveTablePanel';

export function PositionsTable({ account }: { account: PaperAccount | null }) {
  // Prices are the last applied bar's closes: live only while the account runs and the core answers.
  const fresh = useFreshness(useChangedAt(account ?? undefined), Number.POSITIVE_INFINITY);
  const stale = account !== null && (fresh.stale || !account.running);
  const asOf =
    account?.lastBarTime != null
      ? stale
        ? `not live · ${formatDateTime(account.lastBarTime)} close`
        : `${formatDateTime(account.lastBarTime)} close · ${fresh.text}`
      : null;
  const positions = account?.positions ?? [];
  return (
    <LiveTablePanel
      name={`positions${stale ? ' is-stale-figures' : ''}`}
      testId="positions"
      title="Positions"
      data={{ 'data-stale': String(stale) }}
      meta={
        account && (
          <span className="live-panel__meta" data-testid="positions-age">
            cash {formatMoney(account.cash)}
            {asOf && ` · ${asOf}`}
          </span>
        )
      }
      empty={positions.length === 0}
      emptyText="No account yet."
    >
      <thead>
        <tr>
          <th>Symbol</th>
          <th className="num">Qty</th>
          <th className="num">Entry</th>
          <th className="num">Last</th>
          <th className="num">Value (USDT)</th>
          <th className="num" title="unrealised P&L">
            uPnL (USDT)
          </th>
          <th className="num" title="realised P&L">
            rPnL (USDT)
          </th>
        </tr>
      </thead>
      <tbody>
        {positions.map((p) => (
          <tr key={p.symbol} data-symbol={p.symbol} data-quantity={p.quantity}>
            <td>{p.symbol}</td>
            <td className={`num ${signClass(p.quantity)}`}>{formatQuantity(p.quantity)}</td>
            <td className="num">{p.quantity === 0 ? '—' : formatPrice(p.averageEntry)}</td>
            <td className="num">{p.price > 0 ? formatPrice(p.price) : '—'}</td>
            <td className="num">{formatAmount(p.value)}</td>
            <td className={`num ${signClass(p.unrealisedPnl)}`}>{formatSignedAmount(p.unrealisedPnl)}</td>
            <td className={`num ${signClass(p.realisedPnl)}`}>{formatSignedAmount(p.realisedPnl)}</td>
          </tr>
        ))}
      </tbody>
    </LiveTablePanel>
  );
}

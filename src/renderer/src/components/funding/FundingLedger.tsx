// Funding payments, a ledger of their own next to the fills (backtest run page and paper account):
// at each funding time the position held, its mark, value × rate, and the payment (paid > 0, received
// < 0). Used by the run page's fills panel and the Live view's paper account.
import type { FundingPaymentDto } from '../../../../shared/contract/backtest';
import {
  formatAmount,
  formatCount,
  formatDateTime,
  formatMoney,
  formatPrice,
  formatQuantity,
  formatSignedAmount,
  signClass,
} from '../../format';

const SHOWN = 50;

export interface FundingLedgerProps {
  payments: readonly FundingPaymentDto[];
  /** Total paid net of received, quote coin (shown in the caption). */
  total?: number | null;
  /** Why there are none, when funding was not modelled. */
  emptyText?: string;
  testId?: string;
}

export function FundingLedger({ payments, total, emptyText, testId = 'funding-ledger' }: FundingLedgerProps) {
  const newest = payments.slice().sort((a, b) => b.time - a.time);
  const sum = total ?? payments.reduce((s, p) => s + p.payment, 0);
  return (
    <div className="funding-ledger" data-testid={testId} data-count={payments.length}>
      <div className="funding-ledger__caption">
        Funding: {formatCount(payments.length)} payment{payments.length === 1 ? '' : 's'}, net{' '}
        <span className={signClass(-sum)} data-testid={`${testId}-total`}>
          {formatMoney(sum)}
        </span>{' '}
        paid (positive rates are paid by longs, received by shorts)
      </div>
      {payments.length === 0 ? (
        <div className="view-message">
          {emptyText ?? 'No funding payments: no position was open at a funding time.'}
        </div>
      ) : (
        <div className="bt-table-wrap bt-fills__scroll">
          <table className="bt-table">
            <thead>
              <tr>
                <th>Funding time (UTC)</th>
                <th>Symbol</th>
                <th className="is-numeric">Position</th>
                <th className="is-numeric">Mark (USDT)</th>
                <th className="is-numeric">Value (USDT)</th>
                <th className="is-numeric">Rate (%)</th>
                <th className="is-numeric">Paid (USDT)</th>
              </tr>
            </thead>
            <tbody>
              {newest.slice(0, SHOWN).map((p, i) => (
                <tr key={`${p.time}-${p.symbol}-${i}`}>
                  <td className="bt-mono">{formatDateTime(p.time)}</td>
                  <td>{p.symbol}</td>
                  <td className="is-numeric">{formatQuantity(p.quantity)}</td>
                  <td className="is-numeric">{formatPrice(p.price)}</td>
                  <td className="is-numeric">{formatAmount(p.positionValue)}</td>
                  <td className="is-numeric">{(p.rate * 100).toFixed(4)}</td>
                  <td className={`is-numeric ${signClass(-p.payment)}`}>{formatSignedAmount(p.payment)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {newest.length > SHOWN ? (
            <div className="view-message">
              The newest {SHOWN} of {formatCount(newest.length)}; export the funding table as CSV for all.
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}

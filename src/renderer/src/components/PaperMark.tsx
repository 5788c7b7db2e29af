// The shell's "PAPER" mark: on every view while a paper account runs, so that no one takes its fills,
// P&L and positions for real money. Clicking it goes to the Live view, where the account is.
import { useLink } from '../api/hooks';
import { useRunningPaperAccount } from '../api/paper';

export function PaperMark({ onOpen }: { onOpen: () => void }) {
  const account = useRunningPaperAccount();
  const linkUp = useLink().state === 'connected';
  if (!account || !linkUp) return null;
  return (
    <button
      type="button"
      className="paper-mark"
      data-testid="paper-mark"
      title={`Paper trading: account '${account.id}' trades simulated money on ${account.symbols.length} symbols (${account.feed}). No real orders are sent.`}
      onClick={onOpen}
    >
      PAPER{' '}
      <span className="paper-mark__detail">
        simulated money · {account.strategy}
        {account.killed ? ' · kill switch tripped' : ''}
      </span>
    </button>
  );
}

// A banner across the top when the page has lost the core, or the core has lost the exchange: says
// why (the reason comes from the link or from `market.status`) and that it keeps retrying.
import type { MarketStatus } from '../../../shared/domain';
import { useLink } from '../api/hooks';

export function ConnectionBanner({ status }: { status: MarketStatus | undefined }) {
  const link = useLink();
  let message: string | null = null;
  if (link.state !== 'connected') {
    message = link.reason ?? 'Connecting to the CrossDesk core…';
  } else if (status && (status.connection === 'offline' || status.connection === 'reconnecting')) {
    const label = status.connection === 'offline' ? 'Offline' : 'Reconnecting';
    const reason = (status.reason ?? `the ${status.feed} feed is not reachable`).replace(/\.+$/, '');
    // The core's reason usually says when it retries; say it ourselves only when it does not.
    message = `${label}: ${reason}.${/retry/i.test(reason) ? '' : ' Retrying with backoff.'}`;
  }
  if (!message) return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      {message}
    </div>
  );
}

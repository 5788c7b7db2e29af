// Beside the chart's title: why the candles are not moving, when they are not (the stream stopped or
// reconnecting, or the core unreachable), so that a still chart is never taken for a quiet market.
import type { MarketStatus } from '../../../../shared/domain';
import { useLink } from '../../api/hooks';

export function StreamHint({ status }: { status: MarketStatus | undefined }) {
  const link = useLink();
  let text: string | null = null;
  if (link.state !== 'connected') text = 'not live: core unreachable';
  else if (status?.connection === 'idle') text = 'stream stopped';
  else if (status && status.connection !== 'live') text = `not live: ${status.connection}`;
  if (text === null) return null;
  return (
    <span className="chart-title__hint" data-testid="chart-stale">
      {text}
    </span>
  );
}

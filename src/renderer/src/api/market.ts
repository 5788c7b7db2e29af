// Market hooks: the stream's status (the status bar, the offline banner) and the symbol list.
import { useEffect, useRef, useState } from 'react';
import type { MarketStatus } from '../../../shared/domain';
import { useCall, useEvent } from './hooks';

/** Refreshes figures such as the last-frame latency even when the core pushes no status change. */
const STATUS_POLL_MS = 3_000;

export function useMarketStatus(): MarketStatus | undefined {
  const { data, reload } = useCall('market.status', {});
  const [pushed, setPushed] = useState<MarketStatus | undefined>(undefined);
  useEvent('market.status', setPushed);
  useEffect(() => setPushed(undefined), [data]);
  useEffect(() => {
    const timer = setInterval(reload, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return pushed ?? data;
}

/** The symbols to show; listed again whenever the stream's feed, interval or symbols change. */
export function useMarketSymbols(status: MarketStatus | undefined) {
  const symbols = useCall('market.symbols', {});
  const streamKey = status ? `${status.feed}|${status.interval}|${status.symbols.join(',')}` : null;
  const seen = useRef(streamKey);
  const { reload } = symbols;
  useEffect(() => {
    if (streamKey === null || streamKey === seen.current) return;
    if (seen.current !== null) reload();
    seen.current = streamKey;
  }, [streamKey, reload]);
  return symbols;
}

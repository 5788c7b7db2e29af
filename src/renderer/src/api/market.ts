// Market hooks: the stream's status (the status bar, the offline banner) and the symbol list.
import { useEffect, useState } from 'react';
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

export function useMarketSymbols() {
  return useCall('market.symbols', {});
}

// Makes the one core connection of this page available to every view. The connection lives as long
// as the page (StrictMode's double effects must not close it), so the provider never closes it.
import { createContext, useContext, type ReactNode } from 'react';
import type { CoreConnection } from './connect';

const CoreContext = createContext<CoreConnection | null>(null);

export function CoreProvider({ connection, children }: { connection: CoreConnection; children: ReactNode }) {
  return <CoreContext.Provider value={connection}>{children}</CoreContext.Provider>;
}

export function useCoreConnection(): CoreConnection {
  const connection = useContext(CoreContext);
  if (!connection) throw new Error('useCoreConnection must be used inside <CoreProvider>.');
  return connection;
}

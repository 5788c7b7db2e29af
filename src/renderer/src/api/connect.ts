// Picks the transport: the preload's envelope port in the desktop app, else a WebSocket to the headless
// host that served this page. Both carry the same envelopes to the same serve loop, and the client is
// the same createClient over either; views never see which one it is.
import { createClient, type CoreClient } from '../../../shared/rpc';
import { findEnvelopePort, ipcLink } from './ipc-link';
import { LinkStore } from './link';
import { WebSocketLink } from './websocket-link';

export interface CoreConnection {
  client: CoreClient;
  link: LinkStore;
  close(): void;
}

export function connectCore(location: Location = window.location): CoreConnection {
  const port = findEnvelopePort();
  if (port) {
    const link = new LinkStore({ transport: 'ipc', state: 'connected', reason: null, epoch: 1 });
    return { client: createClient(ipcLink(port)), link, close: () => {} };
  }

  const link = new LinkStore({ transport: 'websocket', state: 'connecting', reason: null, epoch: 0 });
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/rpc?token=${encodeURIComponent(token ?? '')}`;
  const socketLink = new WebSocketLink(url, link);
  const client = createClient(socketLink);
  socketLink.onDrop = (error) => client.failPending(error);
  if (!token) {
    link.update({
      state: 'disconnected',
      reason: 'This page was opened without its access token: open the full URL printed by `npm run serve`.',
    });
    socketLink.close(); // never connects: calls fail at once with the reason above
    return { client, link, close: () => {} };
  }
  socketLink.start();
  return { client, link, close: () => socketLink.close() };
}

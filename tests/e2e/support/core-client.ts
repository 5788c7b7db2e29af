// The test's own line to the host under test: the contract over the same /rpc WebSocket the page uses,
// for arranging state (settings, streams) the way another client of the core would.
import { once } from 'node:events';
import WebSocket from 'ws';
import { createClient, parseEnvelope, type CoreClient } from '../../../src/shared/rpc';

export interface HostClient {
  client: CoreClient;
  close(): void;
}

export async function connectToHost(pageUrl: string): Promise<HostClient> {
  const page = new URL(pageUrl);
  const token = encodeURIComponent(page.searchParams.get('token') ?? '');
  const socket = new WebSocket(`ws://${page.host}/rpc?token=${token}`);
  await once(socket, 'open');
  const client = createClient({
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage: (handler) => {
      const listener = (data: WebSocket.RawData) => {
        const message = parseEnvelope(data.toString());
        if (message.t !== 'malformed') handler(message);
      };
      socket.on('message', listener);
      return () => socket.off('message', listener);
    },
  });
  return { client, close: () => socket.close() };
}

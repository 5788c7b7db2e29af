// One WebSocket as an RPC Transport. Malformed frames are logged and dropped (the connection stays
// up); sends to a socket that is closing are dropped, so event fan-out never throws.
import WebSocket from 'ws';
import { parseEnvelope, type Envelope, type Transport } from '../../shared/rpc';

/** Past this much unsent data the client is not reading: drop events rather than grow memory. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export function socketTransport(socket: WebSocket, log: (line: string) => void = console.error): Transport {
  return {
    send(message: Envelope) {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (message.t === 'evt' && socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
      socket.send(JSON.stringify(message), (err) => {
        if (err) log(`rpc: send failed: ${err.message}`);
      });
    },
    onMessage(handler) {
      const listener = (data: WebSocket.RawData, isBinary: boolean) => {
        const text = isBinary ? null : rawToString(data);
        const message = text === null ? null : parseEnvelope(text);
        if (!message) {
          log(`rpc: ignored a malformed frame (${describe(text)})`);
          return;
        }
        handler(message);
      };
      socket.on('message', listener);
      return () => socket.off('message', listener);
    },
  };
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function describe(text: string | null): string {
  if (text === null) return 'binary';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

// One WebSocket as an RPC Transport. Every text frame is handed on, a malformed one as a
// MalformedFrame that `serve` answers; sends to a socket that is closing are dropped, so event fan-out
// never throws. A client that stops reading is cut off before its queue can grow without bound.
import WebSocket from 'ws';
import { parseEnvelope, type Envelope, type Transport } from '../../shared/rpc';

/** The largest frame a client may send (the CSV upload sends chunks well below it). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Past this much unsent data events are dropped: a briefly slow client misses ticks, not replies. */
const EVENT_QUEUE_BYTES = 4 * 1024 * 1024;
/** Past this much unsent data the client is not reading its replies: it is disconnected. */
export const MAX_QUEUED_BYTES = 32 * 1024 * 1024;

export function socketTransport(socket: WebSocket, log: (line: string) => void = console.error): Transport {
  return {
    send(message: Envelope) {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (message.t === 'evt' && socket.bufferedAmount > EVENT_QUEUE_BYTES) return;
      socket.send(JSON.stringify(message), (err) => {
        if (err) log(`rpc: send failed: ${err.message}`);
      });
      if (socket.bufferedAmount > MAX_QUEUED_BYTES) {
        log(`rpc: a client left ${socket.bufferedAmount} bytes of replies unread; disconnecting it`);
        socket.terminate();
      }
    },
    onMessage(handler) {
      const listener = (data: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) {
          handler({ t: 'malformed', id: null, reason: 'Binary frames are not envelopes: send JSON text.' });
          return;
        }
        handler(parseEnvelope(rawToString(data)));
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

// The headless host's network face: one HTTP server on 127.0.0.1 that serves the built renderer and
// the contract over WebSocket at /rpc. A random per-run token guards the page and the socket; static
// assets (hashed bundles with no data in them) are served without it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Transport } from '../../shared/rpc';
import { resolveStatic, sendFile } from './static-files';
import { socketTransport } from './ws-transport';

export const RPC_PATH = '/rpc';
/** Large enough for a CSV import sent as text from the browser's file picker. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export interface HttpHostOptions {
  /** Serves one client's envelopes until the returned function is called (core-thread.ts connects). */
  connect: (transport: Transport) => () => void;
  /** The built renderer (out/renderer); the page says how to build it when it is missing. */
  rendererDir: string;
  port: number;
  /** Defaults to 127.0.0.1; the host never listens on other interfaces. */
  host?: '127.0.0.1' | 'localhost';
  token?: string;
  log?: (line: string) => void;
}

export interface HttpHost {
  port: number;
  token: string;
  /** The page URL with the token, e.g. http://127.0.0.1:5217/?token=… */
  url: string;
  /** The WebSocket URL with the token. */
  rpcUrl: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.error(line));
  const indexFile = `${options.rendererDir}/index.html`;
  let port = options.port;

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!tokenMatches(url.searchParams.get('token'), token)) {
        response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('CrossDesk: open the URL the server printed (it carries the access token).\n');
        return;
      }
      if (!existsSync(indexFile)) {
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('CrossDesk: the user interface is not built. Run `npm run build`, then reload.\n');
        return;
      }
      sendFile(response, indexFile, {
        'content-security-policy': pageCsp(port),
        'referrer-policy': 'no-referrer',
      });
      return;
    }
    const file = url.pathname === RPC_PATH ? null : resolveStatic(options.rendererDir, url.pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.\n');
      return;
    }
    sendFile(response, file);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== RPC_PATH || !tokenMatches(url.searchParams.get('token'), token)) {
      const status = url.pathname !== RPC_PATH ? '404 Not Found' : '401 Unauthorized';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const detach = options.connect(socketTransport(ws, log));
      ws.on('close', detach);
      ws.on('error', (err) => log(`rpc: socket error: ${err.message}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${host}:${port}/?token=${token}`,
    rpcUrl: `ws://${host}:${port}${RPC_PATH}?token=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The page may talk only to its own origin (the /rpc socket included). */
function pageCsp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

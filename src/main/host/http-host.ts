// The headless host's network face: one HTTP server on 127.0.0.1 that serves the built renderer and
// the contract over WebSocket at /rpc. A random per-run token guards the page and the socket; static
// assets (hashed bundles with no data in them) are served without it. Every request is routed on its
// decoded, normalised path (so no spelling of the page skips the token), must name this host in
// `Host` (against DNS rebinding) and, when it carries an `Origin`, come from the page's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Transport } from '../../shared/rpc';
import { allowedOrigin, normalisedPath } from './request-checks';
import { resolveStatic, sendFile } from './static-files';
import { MAX_FRAME_BYTES, socketTransport } from './ws-transport';

export const RPC_PATH = '/rpc';
const PAGE_PATHS = new Set(['/', '/index.html']);

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

  const headers = () => securityHeaders(port);
  const refuse = (
    response: ServerResponse,
    status: number,
    text: string,
    extra: Record<string, string> = {},
  ) => {
    response.writeHead(status, { ...headers(), 'content-type': 'text/plain; charset=utf-8', ...extra });
    response.end(text);
  };

  const server = createServer((request, response) => {
    const checked = checkRequest(request, port, token);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(response, 405, 'Method not allowed.\n', { allow: 'GET, HEAD' });
      return;
    }
    if ('refused' in checked) {
      refuse(response, checked.refused.status, `CrossDesk: ${checked.refused.message}\n`);
      return;
    }
    const { path } = checked;
    if (PAGE_PATHS.has(path)) {
      if (!checked.tokenOk) {
        refuse(response, 401, 'CrossDesk: open the URL the server printed (it carries the access token).\n');
        return;
      }
      if (!existsSync(indexFile)) {
        refuse(
          response,
          503,
          'CrossDesk: the user interface is not built. Run `npm run build`, then reload.\n',
        );
        return;
      }
      sendFile(response, indexFile, headers());
      return;
    }
    const file = path === RPC_PATH ? null : resolveStatic(options.rendererDir, path);
    // The page itself is reachable only through the token check above, whatever the spelling.
    if (!file || file === indexFile) {
      refuse(response, 404, 'Not found.\n');
      return;
    }
    sendFile(response, file, headers());
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const checked = checkRequest(request, port, token);
    const refusal =
      'refused' in checked
        ? checked.refused
        : checked.path !== RPC_PATH
          ? { status: 404, message: 'not found' }
          : !checked.tokenOk
            ? { status: 401, message: 'the access token is missing or wrong' }
            : null;
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
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

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

type Checked = { path: string; tokenOk: boolean } | { refused: { status: number; message: string } };

/** The one gate of every HTTP request and upgrade: Host, Origin, path and token. */
function checkRequest(request: IncomingMessage, port: number, token: string): Checked {
  const hostHeader = request.headers.host ?? '';
  if (!allowedOrigin(`http://${hostHeader}`, port))
    return { refused: { status: 403, message: 'this server answers only to 127.0.0.1 and localhost.' } };
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigin(origin, port))
    return { refused: { status: 403, message: 'requests from other sites are refused.' } };
  const path = normalisedPath(request.url ?? '/');
  if (path === null) return { refused: { status: 404, message: 'not found.' } };
  const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
  return { path, tokenOk: tokenMatches(query.get('token'), token) };
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** On every response, errors included: the page may talk only to its own origin (the /rpc socket too). */
function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  };
}

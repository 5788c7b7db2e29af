// The headless host's gate on real sockets: no spelling of the page skips the token, only this
// host's Host and the page's Origin are served (HTTP and the WebSocket upgrade), the security
// headers are on every response, and a frame above the cap closes the socket.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CoreEvents } from '../../src/main/core/events';
import { startHttpHost, type HttpHost } from '../../src/main/host/http-host';
import { serve } from '../../src/shared/rpc';
import { MAX_FRAME_BYTES, MAX_QUEUED_BYTES } from '../../src/main/host/ws-transport';

let dir = '';
let host: HttpHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-http-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>PAGE-WITH-DATA</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  host = await startHttpHost({
    // 'big' answers 1 MB, for the slow-reader test; anything else a small result.
    connect: (transport) =>
      serve(
        async (method) => (method === 'big' ? 'x'.repeat(1024 * 1024) : { ok: true }),
        transport,
        new CoreEvents(),
      ),
    rendererDir: dir,
    port: 0,
    token: 'test-token-123',
    log: () => {},
  });
});

afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent exactly as written (no client-side normalisation). */
function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(reply: Reply): void {
  expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(reply.headers['referrer-policy']).toBe('no-referrer');
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
}

const SPELLINGS = [
  '/',
  '/index.html',
  '/%69ndex.html',
  '/index%2ehtml',
  '/%2findex.html',
  '/.%2findex.html',
  '/assets/..%2findex.html',
  '/assets/%2e%2e/index.html',
  '//index.html',
  '/./index.html',
  '/assets\\..\\index.html',
];

describe('the page and its token', () => {
  it.each(SPELLINGS)('%s without the token is refused with the headers', async (path) => {
    const reply = await get(path);
    expect(reply.body).not.toContain('PAGE-WITH-DATA');
    expect([401, 404]).toContain(reply.status);
    expectSecurityHeaders(reply);
  });

  it.each(SPELLINGS.slice(0, 7))('%s with the token is the page, with its headers', async (path) => {
    const reply = await get(`${path}?token=test-token-123`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('PAGE-WITH-DATA');
    expectSecurityHeaders(reply);
  });

  it('serves assets without the token, with the headers; a double-encoded page name is not the page', async () => {
    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expectSecurityHeaders(asset);
    const twice = await get('/%2569ndex.html');
    expect(twice.body).not.toContain('PAGE-WITH-DATA');
    const missing = await get('/nothing-here');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
  });
});

describe('Host and Origin', () => {
  it('refuses another Host (DNS rebinding), even with the token', async () => {
    for (const hostHeader of ['evil.example', `evil.example:${host.port}`, '127.0.0.1:1', 'localhost']) {
      const reply = await get('/?token=test-token-123', { host: hostHeader });
      expect(reply.status, hostHeader).toBe(403);
      expect(reply.body).not.toContain('PAGE-WITH-DATA');
      expectSecurityHeaders(reply);
    }
    expect((await get('/?token=test-token-123', { host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses another Origin, serves the page’s own', async () => {
    const evil = await get('/assets/app.js', { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    const own = await get('/assets/app.js', { origin: `http://127.0.0.1:${host.port}` });
    expect(own.status).toBe(200);
  });

  const upgrade = (options: WebSocket.ClientOptions, url = host.rpcUrl) =>
    new Promise<number | 'open'>((resolve) => {
      const ws = new WebSocket(url, options);
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });

  it('checks Host and Origin on the WebSocket upgrade', async () => {
    expect(await upgrade({ origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade({ headers: { host: 'evil.example' } })).toBe(403);
    expect(await upgrade({ origin: `http://127.0.0.1:${host.port}` })).toBe('open');
    expect(await upgrade({})).toBe('open');
    expect(await upgrade({}, host.rpcUrl.replace('test-token-123', 'wrong'))).toBe(401);
  });
});

describe('the frame cap', () => {
  it('closes a socket that sends a frame above the cap (1009), and answers a frame below it', async () => {
    const ws = new WebSocket(host.rpcUrl);
    await new Promise((resolve) => ws.once('open', resolve));
    const answered = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'settings.get', params: { pad: 'x'.repeat(1000) } }));
    expect(JSON.parse(await answered)).toMatchObject({ t: 'res', id: 1 });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
  });

  describe('a client that does not read its replies', () => {
    it('is disconnected before its queue passes the bound, and other clients are still served', async () => {
      const slow = new WebSocket(host.rpcUrl);
      await new Promise((resolve) => slow.once('open', resolve));
      let received = 0;
      let closed = false;
      slow.on('message', () => received++);
      slow.on('close', () => (closed = true));
      slow.on('error', () => {});
      const socket = (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      // 100 MB of replies asked for; the host may queue at most MAX_QUEUED_BYTES of them.
      for (let id = 1; id <= 100; id++)
        slow.send(JSON.stringify({ t: 'req', id, method: 'big', params: {} }));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const other = new WebSocket(host.rpcUrl);
      await new Promise((resolve) => other.once('open', resolve));
      const answer = new Promise<string>((resolve) => other.once('message', (data) => resolve(String(data))));
      other.send(JSON.stringify({ t: 'req', id: 1, method: 'settings.get', params: {} }));
      expect(JSON.parse(await answer)).toMatchObject({ t: 'res', id: 1 });
      other.close();
      socket.resume();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(closed).toBe(true);
      expect(received).toBeLessThan(100);
      expect(received * 1024 * 1024).toBeLessThanOrEqual(MAX_QUEUED_BYTES + 16 * 1024 * 1024);
    });
  });
});

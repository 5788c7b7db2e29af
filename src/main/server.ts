// The headless host: the same core as the desktop app, served to a browser tab on 127.0.0.1. This
// thread only serves files and relays envelopes between each WebSocket and the core's worker thread
// (host/core-thread.ts), so a long backtest or a large import never stalls the page or other clients.
//   npm run serve [-- --port N] [--data-dir D] [--demo]
// The first line on stdout is the page URL with its access token; later lines say which feed is in
// use. Stops cleanly on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDataDir } from './core/config';
import { loadOrCreateAccessToken } from './host/access-token';
import { startCoreThread } from './host/core-thread';
import { startHttpHost } from './host/http-host';

/** Chosen to sit beside Vite's 5173 without clashing with it. */
const DEFAULT_PORT = 5180;

const USAGE = `Usage: npm run serve -- [--port N] [--data-dir DIR] [--demo [--no-demo-model]]
  --port N        port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --data-dir DIR  where crossdesk.db lives (default: $CROSSDESK_DATA_DIR, else ~/.crossdesk)
  --demo          stream from the embedded simulator instead of Bybit; on a first run, train a small
                  demo model in the background
  --no-demo-model with --demo: do not train the demo model`;

async function main(): Promise<void> {
  let values: {
    port?: string;
    'data-dir'?: string;
    demo?: boolean;
    'no-demo-model'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean' },
        'no-demo-model': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, not '${values.port}'.\n${USAGE}`);
    process.exit(2);
  }

  const dataDir = resolveDataDir(values['data-dir']);
  const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  const core = await startCoreThread({
    dataDir,
    demo: values.demo === true,
    demoModel: values.demo === true && !values['no-demo-model'],
    resumePaper: true,
  });
  // Kept in the data directory: an open tab reconnects to the next run on the same directory.
  const token = loadOrCreateAccessToken(dataDir);
  const host = await startHttpHost({ connect: core.connect, rendererDir, port, token }).catch(
    async (err: unknown) => {
      await core.close();
      const code = (err as { code?: string }).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `port ${port} is in use on 127.0.0.1; pass --port 0 to pick a free one`
          : String(err),
      );
    },
  );
  // The contract: the URL is the first line on stdout, before anything else is printed.
  process.stdout.write(`${host.url}\n`);
  process.stdout.write(`Data directory: ${dataDir}\n`);
  if (!existsSync(`${rendererDir}/index.html`)) {
    process.stdout.write(
      'The user interface is not built yet: run `npm run build` (npm run serve does it for you).\n',
    );
  }
  core.onStopped((reason) => {
    process.stderr.write(`crossdesk serve: ${reason}; every call now fails. Restart the host.\n`);
  });
  core.onNotice((line) => process.stdout.write(`${line}\n`));
  for (const line of await core.feed) process.stdout.write(`${line}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: stopping…\n`);
    void (async () => {
      await host.close().catch((err: unknown) => console.error('closing the server:', err));
      await core.close().catch((err: unknown) => console.error('closing the core:', err));
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`crossdesk serve: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

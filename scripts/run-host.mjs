#!/usr/bin/env node
// Runs a host from source under tsx: `serve` (the headless host; builds the renderer first when it is
// missing or older than its sources) or `cli`. Build output goes to stderr so that the server's
// first stdout line stays its URL.
//   node scripts/run-host.mjs serve [--port N] [--data-dir D] [--demo]
//   node scripts/run-host.mjs cli <command> [flags]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [host, ...args] = process.argv.slice(2);
const entries = { serve: 'src/main/server.ts', cli: 'src/main/cli.ts' };

if (!(host in entries)) {
  process.stderr.write('Usage: node scripts/run-host.mjs serve|cli [args...]\n');
  process.exit(2);
}

/** Newest modification time of the files under `dir` (ms), or 0. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function ensureRenderer() {
  const index = join(root, 'out/renderer/index.html');
  const sources = Math.max(newest(join(root, 'src/renderer')), newest(join(root, 'src/shared')));
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built >= sources) return;
  process.stderr.write(
    built ? 'The user interface changed: rebuilding it…\n' : 'Building the user interface (first run)…\n',
  );
  const viteBin = join(root, 'node_modules/electron-vite/bin/electron-vite.js');
  const result = spawnSync(process.execPath, [viteBin, 'build'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    if (existsSync(index))
      process.stderr.write('The build failed; serving the previous build of the user interface.\n');
    else {
      process.stderr.write(
        'The build failed and there is no earlier build: fix the error above and run `npm run build`.\n',
      );
      process.exit(1);
    }
  }
}

if (host === 'serve') ensureRenderer();

// npm runs scripts from the project root; relative paths (a CSV file, --data-dir) mean the user's own
// directory, which npm passes as INIT_CWD.
const child = spawn(
  process.execPath,
  ['--import', import.meta.resolve('tsx'), join(root, entries[host]), ...args],
  {
    cwd: process.env.INIT_CWD || process.cwd(),
    stdio: 'inherit',
  },
);
// Ctrl+C reaches the child directly (same process group); a SIGTERM sent to this wrapper is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));

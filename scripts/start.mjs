#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Electron's binary is downloaded on first launch and
// better-sqlite3 is compiled for Electron's ABI into .native/ (never at install time, so that
// `npm install` works offline; Node's own build stays untouched for the CLI, the headless host and
// the tests). Where either cannot happen (no internet, as in CI), say so once and start the same app
// in the browser instead (`npm run serve`).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP_NODE, atLeast } from './node-versions.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function run(command, commandArgs, options = {}) {
  return spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
}

function fallBackToBrowser(reason) {
  process.stderr.write(
    `\nCrossDesk: the desktop window cannot open here: ${reason}.\n` +
      'Starting the same app for your browser instead (npm run serve); open the URL printed below.\n\n',
  );
  const child = spawn(process.execPath, [join(root, 'scripts/run-host.mjs'), 'serve', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 1));
}

/** Electron's executable, downloading it on first use; null (with a reason) when that fails. */
function electronBinary() {
  const packageDir = dirname(require.resolve('electron/package.json'));
  const installed = () => {
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  };
  if (installed()) return { binary: installed() };
  if (!atLeast(process.versions.node, DESKTOP_NODE)) {
    return {
      reason: `Electron's downloader needs Node ${DESKTOP_NODE} or newer and this is Node ${process.versions.node}`,
    };
  }
  process.stderr.write("Downloading Electron's binary (first launch only)…\n");
  const result = run(process.execPath, [join(packageDir, 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
  const binary = installed();
  if (binary) return { binary };
  const detail = String(result.stderr ?? '').match(
    /(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|fetch failed|\b\d{3}\b[^\n]*)/,
  )?.[0];
  return {
    reason: `Electron's binary could not be downloaded from github.com${detail ? ` (${detail})` : ''}`,
  };
}

/** better-sqlite3 compiled for this Electron version, in .native/; null (with a reason) on failure. */
function sqliteForElectron() {
  const version = require('electron/package.json').version;
  const target = join(
    root,
    '.native',
    `electron-${version}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (existsSync(target)) return { binding: target };
  process.stderr.write(`Building better-sqlite3 for Electron ${version} (first launch only)…\n`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = join(root, '.native', 'build-better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  cpSync(source, work, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) });
  const electronFlags = ['--runtime=electron', `--target=${version}`, `--arch=${process.arch}`];
  // A prebuilt binary if one is published for this Electron, else compile from source.
  const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), ...electronFlags], {
    cwd: work,
  });
  if (prebuilt.status !== 0) {
    const nodeGyp = process.env.npm_config_node_gyp;
    const gyp = nodeGyp
      ? run(
          process.execPath,
          [nodeGyp, 'rebuild', '--release', ...electronFlags, '--dist-url=https://electronjs.org/headers'],
          { cwd: work },
        )
      : { status: 1 };
    if (gyp.status !== 0) return { reason: `better-sqlite3 could not be built for Electron ${version}` };
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  rmSync(work, { recursive: true, force: true });
  return { binding: target };
}

const build = run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
if (build.status !== 0) {
  process.stderr.write('CrossDesk: the build failed (see above).\n');
  process.exit(1);
}

const electron = electronBinary();
const sqlite = electron.binary ? sqliteForElectron() : null;
if (!electron.binary) fallBackToBrowser(electron.reason);
else if (!sqlite.binding) fallBackToBrowser(sqlite.reason);
else {
  const startedAt = Date.now();
  const child = spawn(electron.binary, [root, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CROSSDESK_SQLITE_BINDING: sqlite.binding },
  });
  child.on('error', (err) => fallBackToBrowser(`Electron did not start (${err.message})`));
  child.on('exit', (code, signal) => {
    // A window that dies at once (no display, missing system libraries) gets the browser instead.
    if (code && Date.now() - startedAt < 5_000)
      fallBackToBrowser(`Electron exited at once with code ${code}`);
    else process.exit(code ?? (signal ? 130 : 0));
  });
}

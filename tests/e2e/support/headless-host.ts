// Runs the real headless host as a child process exactly as `npm run serve` does (scripts/run-host.mjs
// → src/main/server.ts under tsx), and reads the page URL from its first stdout line. stop() always
// ends the whole process group (the wrapper and the host).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningHost {
  url: string;
  dataDir: string;
  /** Everything the host printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface HeadlessHostOptions {
  /** Run on this data directory (e.g. a previous host's) instead of a fresh one; it is never removed. */
  dataDir?: string;
  /** Keep the fresh data directory when the host stops, for a later host to reopen. */
  keepDataDir?: boolean;
}

const URL_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

export async function startHeadlessHost(
  root: string,
  extraArgs: string[] = [],
  options: HeadlessHostOptions = {},
): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'crossdesk-e2e-'));
  const removeDataDir = options.dataDir === undefined && options.keepDataDir !== true;
  const child = spawn(
    process.execPath,
    ['scripts/run-host.mjs', 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', INIT_CWD: root },
    },
  );
  // Should the test runner die first, the host must not outlive it.
  const killOnExit = () => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const stop = async () => {
    process.off('exit', killOnExit);
    await killGroup(child);
    if (removeDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await firstStdoutLine(child, () => output);
    if (!/^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/.test(url)) {
      throw new Error(`the host's first stdout line is not its page URL: '${url}'`);
    }
    return { url, dataDir, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function firstStdoutLine(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`the host printed no URL within ${URL_TIMEOUT_MS} ms. Output:\n${output()}`)),
      URL_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, newline).trim());
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the host exited (code ${code}, signal ${signal}) before printing its URL. Output:\n${output()}`,
        ),
      );
    });
  });
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_GRACE_MS));
  if ((await Promise.race([exited, timer])) === 'late') {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the host and anything it started
  } catch {
    // already gone
  }
}

// The real headless host (src/main/server.ts) as a child process, as `npm run serve` runs it: its
// first stdout line is the page URL with the token.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  /** ws://127.0.0.1:PORT/rpc?token=… */
  rpcUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
}

export async function startServerProcess(root: string, args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/server.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL from the server within 90 s:\n${output}`)),
      90_000,
    );
    const check = () => {
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(stdout.slice(0, newline));
    };
    child.stdout!.on('data', check);
    void exited.then((code) =>
      reject(new Error(`the server exited (${code}) before printing its URL:\n${output}`)),
    );
  });
  const { port, searchParams } = new URL(url);
  return {
    url,
    rpcUrl: `ws://127.0.0.1:${port}/rpc?token=${searchParams.get('token') ?? ''}`,
    child,
    output: () => output,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

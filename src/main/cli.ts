// The terminal host: `npm run cli -- <command> [flags]`. Every command goes through the same core
// dispatch as the desktop app and the headless host. stdout carries results (`--json` for scripts);
// stderr carries progress bars (terminal only) and errors. Exit 0 on success, 1 on failure with a
// one-line reason, 2 on bad usage, 130 when interrupted.
import { parseArgs } from 'node:util';
import { CoreError } from '../shared/errors';
import { UsageError, type Command, type CommandContext } from './cli/command';
import { commands } from './cli/registry';
import { resolveDataDir } from './core/config';
import { createCore, type Core } from './core/core';

const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(command?: Command): string {
  const globals = '[--data-dir DIR] [--json]';
  if (command)
    return `Usage: npm run cli -- ${command.name} ${command.usage} ${globals}\n  ${command.summary}`;
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: npm run cli -- <command> [flags] ${globals}`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.usage}\n  ${' '.repeat(width)}  ${c.summary}`),
    '',
    'Times are epoch ms or ISO dates (UTC). The data directory is --data-dir, else $CROSSDESK_DATA_DIR,',
    'else ~/.crossdesk. --json prints machine-readable results on stdout.',
  ].join('\n');
}

/** The command is the first argument that is neither a flag nor the value of --data-dir. */
function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Row-numbered problems of a rejected CSV file (or similar per-item details), one per line. */
function detailLines(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const list = Object.values(details as Record<string, unknown>).find(Array.isArray) as unknown[] | undefined;
  if (!list) return [];
  return list.slice(0, 50).map((item) => {
    if (item && typeof item === 'object') {
      const { row, column, message, path } = item as {
        row?: number;
        column?: string;
        message?: string;
        path?: string;
      };
      const where =
        row !== undefined ? `row ${row}${column ? ` (${column})` : ''}: ` : path ? `${path}: ` : '';
      if (message) return `  ${where}${message}`;
    }
    return `  ${JSON.stringify(item)}`;
  });
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const { stdout, stderr } = process;
  const { name, rest } = splitCommand(argv);
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if (name === undefined && (rest.includes('--help') || rest.includes('-h'))) {
      stdout.write(`${usage()}\n`);
      return 0;
    }
    stderr.write(`${name === undefined ? 'No command given.' : `Unknown command '${name}'.`}\n${usage()}\n`);
    return 2;
  }

  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    const wanted = command.positionals ?? { min: 0, max: 0, name: '' };
    if (parsed.positionals.length < wanted.min) throw new UsageError(`${wanted.name} is required.`);
    if (parsed.positionals.length > wanted.max)
      throw new UsageError(`Unexpected argument '${parsed.positionals[wanted.max]}'.`);
  } catch (err) {
    stderr.write(`${oneLine(err instanceof Error ? err.message : String(err))}\n${usage(command)}\n`);
    return 2;
  }
  if (parsed.values['help']) {
    stdout.write(`${usage(command)}\n`);
    return 0;
  }

  const stop = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dataDir = resolveDataDir(parsed.values['data-dir'] as string | undefined);
  const opened: { core: Promise<Core> | null } = { core: null };
  const context: CommandContext = {
    values: parsed.values,
    positionals: parsed.positionals,
    json: parsed.values['json'] === true,
    dataDir,
    core: () => (opened.core ??= createCore({ dataDir })),
    signal: stop.signal,
    stdout,
    stderr,
  };

  try {
    await command.run(context);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`${oneLine(err.message)}\n${usage(command)}\n`);
      return 2;
    }
    const shape = err instanceof CoreError ? err : null;
    if (shape?.code === 'CANCELLED' || (interrupted && !shape)) {
      stderr.write(`${command.name}: interrupted.\n`);
      return 130;
    }
    for (const line of detailLines(shape?.details)) stderr.write(`${line}\n`);
    const message = err instanceof Error ? err.message : String(err);
    stderr.write(`crossdesk ${command.name}: ${oneLine(message)}${shape ? ` [${shape.code}]` : ''}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (opened.core) await (await opened.core.catch(() => null))?.close();
  }
}

// `… | head` closing the pipe early is not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop (a socket in its closing handshake) must not keep a
    // finished command alive.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`crossdesk: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(1);
  },
);

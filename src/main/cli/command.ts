// What a CLI command is, and the small parsing helpers commands share. Adding a command is one new
// file exporting a Command plus one line in registry.ts.
import type { ParseArgsConfig } from 'node:util';
import type { Core } from '../core/core';

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** `--json`: machine-readable output on stdout, no progress bars. */
  json: boolean;
  dataDir: string;
  /** The core on the data directory, opened on first use and closed by the runner. */
  core(): Promise<Core>;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  signal: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface Command {
  name: string;
  summary: string;
  /** Flags and arguments after the command name, e.g. `--feed F --symbol S FILE`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments the command takes. */
  positionals?: { min: number; max: number; name: string };
  run(context: CommandContext): Promise<void>;
}

/** Bad command-line input: the runner prints the reason and the usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function requireString(values: OptionValues, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} is required.`);
  return value.trim();
}

export function optionalString(values: OptionValues, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `A,B,C` → ['A', 'B', 'C'] (upper-cased, blanks dropped). */
export function parseSymbols(text: string): string[] {
  const symbols = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  if (symbols.length === 0)
    throw new UsageError('--symbols needs at least one symbol, e.g. BTCUSDT,ETHUSDT.');
  return symbols;
}

/** Epoch ms (digits) or an ISO date/time (UTC unless it says otherwise). */
export function parseTime(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--${flag} '${text}' is not a time: use epoch ms or an ISO date such as 2024-01-31T00:00:00Z.`,
    );
  }
  return time;
}

export function parseInteger(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not '${text}'.`);
  }
  return value;
}

export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** Resolves when the command is asked to stop (SIGINT/SIGTERM). */
export function untilStopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export function writeJson(stream: NodeJS.WriteStream, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}

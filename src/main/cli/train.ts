// `train`: trains the cross-attention model on stored candles in a worker thread, with a progress bar;
// Ctrl+C cancels. Prints the model id and its validation metrics, including the direction accuracy and
// the mean cross-asset attention matrix (a table, or one JSON object with --json).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ModelInfo } from '../../shared/contract/model';
import {
  optionalString,
  parseInteger,
  parseSymbols,
  parseTime,
  requireString,
  UsageError,
  writeJson,
  type Command,
} from './command';
import { ProgressBar } from './progress';

/** A --config file holds model settings (the contract's ModelConfig; any subset). */
async function readModelConfig(path: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--config ${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(
      `--config ${path} is not a JSON object of model settings (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
}

export function attentionTable(symbols: string[], matrix: number[][]): string {
  const width = Math.max(6, ...symbols.map((s) => s.length));
  const lines = [`${'query \\ key'.padEnd(width)}  ${symbols.map((s) => s.padStart(width)).join(' ')}`];
  matrix.forEach((row, q) => {
    lines.push(`${symbols[q]!.padEnd(width)}  ${row.map((v) => v.toFixed(3).padStart(width)).join(' ')}`);
  });
  return lines.join('\n');
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the cross-attention model on stored candles (in a worker thread)',
  usage: '--feed F --symbols A,B,.. --interval I --from T --to T [--config FILE] [--seed S] [--name NAME]',
  options: {
    feed: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    config: { type: 'string' },
    seed: { type: 'string' },
    name: { type: 'string' },
  },
  async run({ values, json, core, signal, stdout, stderr }) {
    const config = await readModelConfig(optionalString(values, 'config'));
    const seed = parseInteger(optionalString(values, 'seed'), 'seed', 0, 2 ** 31 - 1);
    const name = optionalString(values, 'name');
    const params = {
      feed: requireString(values, 'feed'),
      symbols: parseSymbols(requireString(values, 'symbols')),
      interval: requireString(values, 'interval'),
      from: parseTime(requireString(values, 'from'), 'from'),
      to: parseTime(requireString(values, 'to'), 'to'),
      ...(config === undefined ? {} : { config }),
      ...(seed === undefined ? {} : { seed }),
      ...(name === undefined ? {} : { name }),
      jobId: `cli-train-${randomUUID().slice(0, 8)}`,
    };
    const { dispatch, events } = await core();
    const bar = new ProgressBar(stderr, 'train', !json);
    const off = events.on('model.progress', (p) => {
      if (p.jobId !== params.jobId) return;
      const eta = p.etaMs === null ? '' : `, ETA ${Math.round(p.etaMs / 1000)} s`;
      bar.update(
        (p.epoch - 1) * p.steps + p.step,
        p.epochs * p.steps,
        `epoch ${p.epoch}/${p.epochs} loss ${p.trainLoss.toFixed(4)} ${Math.round(p.samplesPerSecond)} samples/s${eta}`,
      );
    });
    try {
      const info = (await dispatch('model.train', params, { signal })) as ModelInfo;
      bar.finish();
      const m = info.metrics;
      if (json) {
        writeJson(stdout, {
          id: info.id,
          backend: info.backend,
          symbols: info.symbols,
          dataHash: info.dataHash,
          metrics: {
            validationLoss: m.validationLoss,
            directionAccuracy: m.directionAccuracy,
            directionAccuracyAll: m.directionAccuracyAll,
            validationSharpe: m.validationSharpe,
            validationSamples: m.validationSamples,
            epochs: m.epochs,
            bestEpoch: m.bestEpoch,
            samplesPerSecond: m.samplesPerSecond,
            meanAttention: m.meanAttention,
            lagWeights: m.lagWeights,
          },
        });
        return;
      }
      stdout.write(`model ${info.id} (${info.backend}), ${m.epochs} epochs, best ${m.bestEpoch}\n`);
      stdout.write(
        `validation: loss ${m.validationLoss.toFixed(4)}, direction accuracy ${(m.directionAccuracy * 100).toFixed(1)}% ` +
          `over ${m.validationSamples} samples, Sharpe per bar ${m.validationSharpe.toFixed(3)}, ${Math.round(m.samplesPerSecond)} samples/s\n`,
      );
      stdout.write(`mean cross-asset attention:\n${attentionTable(info.symbols, m.meanAttention)}\n`);
      if (m.lagWeights.length)
        stdout.write(
          `lag weights (lag 1..${m.lagWeights.length}): ${m.lagWeights.map((w) => w.toFixed(3)).join(' ')}\n`,
        );
    } finally {
      bar.finish();
      off();
    }
  },
};

// `predict`: the latest portfolio weights, predicted returns and direction probabilities of a stored
// model, with its cross-asset attention (mean over layers and heads) and lag weights.
import type { Prediction } from '../../shared/contract/model';
import { isoTime, optionalString, parseTime, requireString, writeJson, type Command } from './command';
import { attentionTable } from './train';

/** Mean over layers and heads: [query][key]. */
export function meanAttention(attention: number[][][][]): number[][] {
  const maps = attention.flat();
  const n = maps[0]?.length ?? 0;
  return Array.from({ length: n }, (_, q) =>
    Array.from(
      { length: n },
      (_, k) => maps.reduce((sum, m) => sum + m[q]![k]!, 0) / Math.max(1, maps.length),
    ),
  );
}

export const predictCommand: Command = {
  name: 'predict',
  summary: "a stored model's latest weights, predictions and attention",
  usage: '--model ID [--time T]',
  options: {
    model: { type: 'string' },
    time: { type: 'string' },
  },
  async run({ values, json, core, signal, stdout }) {
    const time = optionalString(values, 'time');
    const params = {
      id: requireString(values, 'model'),
      ...(time === undefined ? {} : { time: parseTime(time, 'time') }),
    };
    const { dispatch } = await core();
    const p = (await dispatch('model.predict', params, { signal })) as Prediction;
    const mean = meanAttention(p.attention);
    if (json) {
      writeJson(stdout, { ...p, meanAttention: mean });
      return;
    }
    stdout.write(`model ${p.modelId}, decision at the close of the bar opening ${isoTime(p.time)}\n`);
    const width = Math.max(8, ...p.symbols.map((s) => s.length));
    stdout.write(
      `${'symbol'.padEnd(width)}  ${'weight'.padStart(8)}  ${'return'.padStart(9)}  ${'down'.padStart(6)} ${'flat'.padStart(6)} ${'up'.padStart(6)}\n`,
    );
    p.symbols.forEach((symbol, i) => {
      const [down, flat, up] = p.direction[i]!;
      stdout.write(
        `${symbol.padEnd(width)}  ${p.weights[i]!.toFixed(4).padStart(8)}  ${(p.returns[i]! * 100).toFixed(3).padStart(8)}%  ` +
          `${down!.toFixed(3).padStart(6)} ${flat!.toFixed(3).padStart(6)} ${up!.toFixed(3).padStart(6)}\n`,
      );
    });
    stdout.write(`cross-asset attention (mean over layers and heads):\n${attentionTable(p.symbols, mean)}\n`);
    if (p.lagWeights.length)
      stdout.write(
        `lag weights (lag 1..${p.lagWeights.length}): ${p.lagWeights.map((w) => w.toFixed(3)).join(' ')}\n`,
      );
  },
};

// The multi-asset cross-attention network (seed chapter, restated in reference/model.md):
//   patch embedding per asset (+ asset and position embeddings)
//   → N × [temporal self-attention per asset → cross-asset multi-head attention on pooled tokens
//          (optionally hierarchical: asset, sector, market) → feed-forward]
//   → per-asset summary → lagged cross-attention over the newest bars (learned softmax lag weights)
//   → heads: return (standardised), direction logits (down/flat/up), portfolio weights.
// Input X [batch, assets, lookback, features]; the decision is at the close of the window's last bar.
import { CoreError } from '../../../shared/errors';
import type { ModelConfig } from '../../../shared/contract/model';
import { tf } from './backend';
import { disposeCompiledCalls } from './graph/compiled-calls';
import {
  addPerGroup,
  attention,
  batchMatMul,
  dense,
  denseOnData,
  dropout,
  type DropoutParts,
  layerNorm,
  mergeHeads,
  layerFlavour,
  poolTokens,
  repeatRow,
  repeatRows,
  scalar,
  shiftBack,
  softmax,
  toHeads,
} from './layers';
import { ParamStore } from './params';

export interface ModelShape {
  symbols: string[];
  features: number;
}

/** Parts of a batch with their own dropout seeds, in batch order. */
export type BatchParts = Array<{ seed: number; samples: number }>;

/**
 * The forward's dropout seeding: its n-th dropout call draws with seed `base + n` and `parts`. A graph
 * step (graph/train-step.ts) redraws a traced step's masks for another step through this.
 */
export function dropoutSeeding(dropoutSeed: number | BatchParts): { base: number; parts?: DropoutParts } {
  if (typeof dropoutSeed === 'number') return { base: dropoutSeed * 7919 };
  return {
    base: 0,
    parts: {
      seeds: dropoutSeed.map((part) => part.seed * 7919),
      samples: dropoutSeed.map((part) => part.samples),
    },
  };
}

export interface ForwardOutput {
  /** [B, A] predicted horizon return in units of the training target std. */
  returns: tf.Tensor2D;
  /** [B, A, 3] logits of down, flat, up. */
  directionLogits: tf.Tensor3D;
  /** [B, A] portfolio weights: long-only sum to 1, long-short have gross exposure 1. */
  weights: tf.Tensor2D;
  /** Per layer [B, heads, query asset, key asset]. */
  attention: tf.Tensor4D[];
  /** [maxLag] softmax lag weights (index i = lag i + 1), or null when the lag module is off. */
  lagWeights: tf.Tensor1D | null;
}

interface Hierarchy {
  /** [groups, assets] row-normalised membership (mean of the members). */
  sector: tf.Tensor2D;
  sectorCount: number;
  market: tf.Tensor2D;
  marketCount: number;
}

export function validateConfig(config: ModelConfig, shape: ModelShape): void {
  if (config.lookback % config.patchLength !== 0) {
    throw new CoreError(
      'INVALID_PARAMS',
      `The lookback (${config.lookback}) must be a multiple of the patch length (${config.patchLength}).`,
    );
  }
  if (config.dModel % config.heads !== 0) {
    throw new CoreError(
      'INVALID_PARAMS',
      `dModel (${config.dModel}) must be divisible by heads (${config.heads}).`,
    );
  }
  if (config.maxLag > config.lookback) {
    throw new CoreError(
      'INVALID_PARAMS',
      `maxLag (${config.maxLag}) cannot exceed the lookback (${config.lookback}).`,
    );
  }
  if (shape.features !== config.features.length) {
    throw new CoreError(
      'INVALID_PARAMS',
      `The input has ${shape.features} features, the config names ${config.features.length}.`,
    );
  }
}

function membership(
  symbols: string[],
  groupOf: (symbol: string) => string,
): { matrix: number[][]; count: number } {
  const names = [...new Set(symbols.map(groupOf))];
  const matrix = names.map((name) => {
    const members = symbols.map((s) => (groupOf(s) === name ? 1 : 0));
    const n = members.reduce((a: number, b) => a + b, 0);
    return members.map((m) => m / n);
  });
  return { matrix, count: names.length };
}

export class CrossAssetModel {
  readonly params: ParamStore;
  /**
   * Models with the same signature compute the same functions of their parameters and inputs (the
   * configuration and shape decide every constant of the forward): their graphs may be shared.
   */
  readonly signature: string;
  readonly assets: number;
  readonly tokens: number;
  private readonly hierarchy: Hierarchy | null = null;
  private readonly sectorHeads: number;
  private readonly marketHeads: number;

  constructor(
    readonly config: ModelConfig,
    readonly shape: ModelShape,
    seed: number,
  ) {
    validateConfig(config, shape);
    this.signature = JSON.stringify({ config, shape });
    const { dModel: d, heads, patchLength: p, layers, ffnMultiplier, maxLag } = config;
    const a = (this.assets = shape.symbols.length);
    const f = shape.features;
    const t = (this.tokens = config.lookback / p);
    const headDim = d / heads;
    this.sectorHeads = Math.max(1, Math.floor(heads / 2));
    this.marketHeads = Math.max(1, Math.floor(heads / 4));
    const ps = (this.params = new ParamStore(seed));

    ps.glorot('embed/w', [p * f, d]);
    ps.constant('embed/b', [d], 0);
    ps.normal('embed/position', [t, d], 0.02);
    if (config.assetEmbedding) ps.normal('embed/asset', [a, d], 0.02);

    if (config.hierarchy) {
      const sectorOf = (s: string) => config.hierarchy!.sectors[s] ?? s;
      const marketOf = (s: string) => config.hierarchy!.markets[sectorOf(s)] ?? 'market';
      const sector = membership(shape.symbols, sectorOf);
      const market = membership(shape.symbols, marketOf);
      this.hierarchy = {
        sector: tf.keep(tf.tensor2d(sector.matrix)),
        sectorCount: sector.count,
        market: tf.keep(tf.tensor2d(market.matrix)),
        marketCount: market.count,
      };
    }

    for (let l = 0; l < layers; l++) {
      if (config.temporalAttention) {
        projections(ps, `layer${l}/temporal`, d);
        ps.glorot(`layer${l}/temporal/out`, [d, d]);
        ps.constant(`layer${l}/temporal/out_b`, [d], 0);
        ps.constant(`layer${l}/temporal/ln_g`, [d], 1);
        ps.constant(`layer${l}/temporal/ln_b`, [d], 0);
      }
      projections(ps, `layer${l}/cross`, d);
      let combined = d;
      if (this.hierarchy) {
        const ws = this.sectorHeads * headDim;
        const wm = this.marketHeads * headDim;
        for (const [level, width] of [
          ['sector', ws],
          ['market', wm],
        ] as const) {
          ps.glorot(`layer${l}/${level}/q`, [d, width]);
          ps.glorot(`layer${l}/${level}/k`, [d, width]);
          ps.glorot(`layer${l}/${level}/v`, [d, width]);
        }
        combined += ws + wm;
      }
      ps.glorot(`layer${l}/cross/out`, [combined, d]);
      ps.constant(`layer${l}/cross/out_b`, [d], 0);
      ps.constant(`layer${l}/cross/ln_g`, [d], 1);
      ps.constant(`layer${l}/cross/ln_b`, [d], 0);
      ps.glorot(`layer${l}/ffn/w1`, [d, ffnMultiplier * d]);
      ps.constant(`layer${l}/ffn/b1`, [ffnMultiplier * d], 0);
      ps.glorot(`layer${l}/ffn/w2`, [ffnMultiplier * d, d]);
      ps.constant(`layer${l}/ffn/b2`, [d], 0);
      ps.constant(`layer${l}/ffn/ln_g`, [d], 1);
      ps.constant(`layer${l}/ffn/ln_b`, [d], 0);
    }

    if (maxLag > 0) {
      ps.glorot('lag/bar', [f, d]);
      ps.constant('lag/bar_b', [d], 0);
      ps.glorot('lag/q', [d, d]);
      ps.glorot('lag/k', [d, d]);
      ps.glorot('lag/v', [d, d]);
      ps.glorot('lag/out', [d, d]);
      ps.constant('lag/out_b', [d], 0);
      ps.constant('lag/logits', [maxLag], 0);
      ps.constant('lag/ln_g', [d], 1);
      ps.constant('lag/ln_b', [d], 0);
    }

    ps.glorot('head/return', [d, 1]);
    ps.constant('head/return_b', [1], 0);
    ps.glorot('head/direction', [d, 3]);
    ps.constant('head/direction_b', [3], 0);
    ps.glorot('head/portfolio', [d, 1]);
    ps.constant('head/portfolio_b', [1], 0);
  }

  /** X [B, A, lookback, features] → outputs. Call inside tf.tidy. */
  /**
   * `dropoutSeed` seeds the dropout masks; a list of {seed, samples} parts draws each part's masks as
   * a forward of that part alone with that seed would (two-worker training's halves on one thread).
   */
  forward(x: tf.Tensor4D, training = false, dropoutSeed: number | BatchParts = 0): ForwardOutput {
    const { config, params: ps, assets: a, tokens: t } = this;
    const { dModel: d, heads, patchLength: p } = config;
    const b = x.shape[0];
    const f = this.shape.features;
    let seedCounter = 0;
    const { base, parts } = dropoutSeeding(dropoutSeed);
    const drop = (v: tf.Tensor) => dropout(v, config.dropout, training, base + ++seedCounter, parts);

    // Patch embedding: [T, p·F] rows per asset → d_model; the same as a conv1d with kernel = stride = p.
    let h = denseOnData(tf.reshape(x, [b * a * t, p * f]), ps.get('embed/w'), ps.get('embed/b'));
    h = tf.add(h, this.embeddings(b)) as tf.Tensor2D;

    const attentionMaps: tf.Tensor4D[] = [];
    for (let l = 0; l < config.layers; l++) {
      const name = (s: string) => ps.get(`layer${l}/${s}`);
      if (config.temporalAttention) {
        // Each asset's tokens attend to the same asset's tokens.
        const [q, k, v] = projectQkvHeads(h, (part) => name(`temporal/${part}`), b * a, t, heads);
        const { out } = attention(q!, k!, v!);
        const projected = dense(mergeHeads(out, b * a, heads), name('temporal/out'), name('temporal/out_b'));
        h = layerNorm(
          tf.add(h, drop(projected)) as tf.Tensor2D,
          name('temporal/ln_g'),
          name('temporal/ln_b'),
        );
      }
      // Cross-asset attention among pooled asset tokens: each asset's query over every asset's key/value.
      const pooled = tf.reshape(poolTokens(tf.reshape(h, [b, a, t, d])), [b * a, d]) as tf.Tensor2D;
      // Fused on native (fewer ops); three dense layers on wasm, whose rounding the wasm tests were
      // tuned on (the same values either way, to float rounding).
      const [q, k, v] =
        layerFlavour() === 'native'
          ? projectQkvHeads(pooled, (part) => name(`cross/${part}`), b, a, heads)
          : (['q', 'k', 'v'] as const).map((part) =>
              toHeads(dense(pooled, name(`cross/${part}`), name(`cross/${part}_b`)), b, a, heads),
            );
      const cross = attention(q!, k!, v!);
      attentionMaps.push(tf.reshape(cross.weights, [b, heads, a, a]));
      let mixed = mergeHeads(cross.out, b, heads);
      if (this.hierarchy) mixed = tf.concat([mixed, ...this.groupAttention(pooled as tf.Tensor2D, b, l)], 1);
      const crossOut = drop(dense(mixed, name('cross/out'), name('cross/out_b'))) as tf.Tensor2D;
      // The asset's mixed summary is added to each of its tokens.
      h = layerNorm(addPerGroup(h, crossOut, t), name('cross/ln_g'), name('cross/ln_b'));

      const hidden = dense(h, name('ffn/w1'), name('ffn/b1'), 'relu');
      const ffn = dense(hidden, name('ffn/w2'), name('ffn/b2'));
      h = layerNorm(tf.add(h, drop(ffn)) as tf.Tensor2D, name('ffn/ln_g'), name('ffn/ln_b'));
    }

    let summary = tf.reshape(poolTokens(tf.reshape(h, [b, a, t, d])), [b * a, d]) as tf.Tensor2D;
    let lagWeights: tf.Tensor1D | null = null;
    if (config.maxLag > 0) {
      const lagged = this.lagAttention(x, summary, drop);
      lagWeights = lagged.lagWeights;
      summary = layerNorm(tf.add(summary, lagged.out) as tf.Tensor2D, ps.get('lag/ln_g'), ps.get('lag/ln_b'));
    }

    const { returns, directionLogits, scores } = this.heads(summary, b);
    const weights = portfolioWeights(scores, config.portfolio);
    return { returns, directionLogits, weights, attention: attentionMaps, lagWeights };
  }

  /**
   * The return, direction and portfolio heads. On native one dense layer on their concatenated
   * weights [d, 1 + 3 + 1], split after (one matMul each way, one bias sum); on wasm three dense layers.
   * The same values.
   */
  private heads(summary: tf.Tensor2D, b: number) {
    const { params: ps, assets: a } = this;
    const outputs = ['return', 'direction', 'portfolio'];
    let columns: tf.Tensor[];
    if (layerFlavour() === 'native') {
      const headOut = dense(
        summary,
        tf.concat(
          outputs.map((head) => ps.get(`head/${head}`)),
          1,
        ),
        tf.concat(
          outputs.map((head) => ps.get(`head/${head}_b`)),
          0,
        ),
      );
      columns = tf.split(headOut, [1, 3, 1], 1);
    } else {
      columns = outputs.map((head) => dense(summary, ps.get(`head/${head}`), ps.get(`head/${head}_b`)));
    }
    return {
      returns: tf.reshape(columns[0]!, [b, a]) as tf.Tensor2D,
      directionLogits: tf.reshape(columns[1]!, [b, a, 3]) as tf.Tensor3D,
      scores: tf.reshape(columns[2]!, [b, a]) as tf.Tensor2D,
    };
  }

  /** Sector- and market-level attention: asset queries over group aggregates; rows [B·A, width]. */
  private groupAttention(pooled: tf.Tensor2D, b: number, l: number): tf.Tensor2D[] {
    const { dModel: d, heads } = this.config;
    const a = this.assets;
    const headDim = d / heads;
    const h = this.hierarchy!;
    const levels: Array<[string, tf.Tensor2D, number, number]> = [
      ['sector', h.sector, h.sectorCount, this.sectorHeads],
      ['market', h.market, h.marketCount, this.marketHeads],
    ];
    // [B, A, D] → [A, B·D] so that aggregation is one plain 2-D matmul with the membership matrix.
    const byAsset = tf.reshape(tf.transpose(tf.reshape(pooled, [b, a, d]), [1, 0, 2]), [a, b * d]);
    return levels.map(([level, matrix, groups, levelHeads]) => {
      const aggregated = tf.matMul(matrix, byAsset);
      const groupRows = tf.reshape(tf.transpose(tf.reshape(aggregated, [groups, b, d]), [1, 0, 2]), [
        b * groups,
        d,
      ]);
      const weight = (part: string) => this.params.get(`layer${l}/${level}/${part}`);
      const q = toHeads(dense(pooled, weight('q')), b, a, levelHeads);
      const k = toHeads(dense(groupRows, weight('k')), b, groups, levelHeads);
      const v = toHeads(dense(groupRows, weight('v')), b, groups, levelHeads);
      const { out } = attention(q, k, v);
      return tf.reshape(mergeHeads(out, b, levelHeads), [b * a, levelHeads * headDim]) as tf.Tensor2D;
    });
  }

  /**
   * Position (+ asset) embedding rows [B·A·T, D] for a batch of `b`: the small [A·T, D] table is
   * replicated over the batch by a matMul with a column of ones (a plain matMul is fast on wasm, a
   * broadcasting add is not).
   */
  private embeddings(b: number): tf.Tensor2D {
    const { config, params: ps, assets: a, tokens: t } = this;
    const d = config.dModel;
    let table = tf.reshape(ps.get('embed/position'), [1, t, d]);
    if (config.assetEmbedding) table = tf.add(table, tf.reshape(ps.get('embed/asset'), [a, 1, d]));
    else
      table = tf.concat(
        Array.from({ length: a }, () => table),
        0,
      );
    const flat = tf.reshape(table, [1, a * t * d]) as tf.Tensor2D;
    return tf.reshape(repeatRow(flat, b), [b * a * t, d]) as tf.Tensor2D;
  }

  /**
   * Lagged cross-asset attention. Each asset's query at bar τ attends, for lag l = 1..maxLag, to every
   * asset's bar token at τ - (l - 1) (keys and values shifted back in time, zero-padded before the
   * window, so a key never sees a bar after its query's): lag l is counted to the bar being predicted,
   * so lag 1 is the decision bar itself. The per-lag outputs are combined with softmax(lag logits).
   * The model queries from the newest bar only (`positions` = 1); tests query every position.
   */
  private lagAttention(
    x: tf.Tensor4D,
    summary: tf.Tensor2D,
    drop: (v: tf.Tensor) => tf.Tensor,
    positions = 1,
    perLagPath = false,
  ): { out: tf.Tensor2D; lagWeights: tf.Tensor1D; positions: tf.Tensor } {
    const { config, params: ps, assets: a } = this;
    const { dModel: d, heads, maxLag } = config;
    const b = x.shape[0];
    const f = this.shape.features;
    const w = Math.min(config.lookback, positions + maxLag - 1);
    const headDim = d / heads;
    const recent = tf.slice(x, [0, 0, config.lookback - w, 0], [b, a, w, f]);
    let bars = tf.reshape(
      denseOnData(tf.reshape(recent, [b * a * w, f]), ps.get('lag/bar'), ps.get('lag/bar_b')),
      [b, a, w, d],
    );
    if (config.assetEmbedding) bars = tf.add(bars, tf.reshape(ps.get('embed/asset'), [1, a, 1, d]));
    const queryBars = tf.slice(bars, [0, 0, w - positions, 0], [b, a, positions, d]);
    const queries = tf.add(queryBars, tf.reshape(repeatRows(summary, positions), [b, a, positions, d]));
    // Attention among assets at each (sample, position, head): [B·P·H, A, dh], rank-4 transposes only.
    const assetHeads = (rows: tf.Tensor) =>
      tf.reshape(tf.transpose(tf.reshape(rows, [b, a, positions * heads, headDim]), [0, 2, 1, 3]), [
        b * positions * heads,
        a,
        headDim,
      ]);
    const q = assetHeads(dense(tf.reshape(queries, [b * a * positions, d]), ps.get('lag/q')));
    const lagWeights = tf.softmax(ps.get('lag/logits')) as tf.Tensor1D;
    // Keys and values have no bias, so projecting first and shifting after equals shifting the bars.
    const keys = tf.reshape(dense(tf.reshape(bars, [b * a * w, d]), ps.get('lag/k')), [b, a, w, d]);
    const values = tf.reshape(dense(tf.reshape(bars, [b * a * w, d]), ps.get('lag/v')), [b, a, w, d]);
    let combined: tf.Tensor; // [B·P·H, A, dh]
    if (positions === 1 && !perLagPath) {
      // Querying the newest bar only, lag l's keys are bar w - l of the window, never padding: all lags
      // go into one attention whose key axis is (bar, asset), with a softmax per bar, scaled by its lag
      // weight, and one weights·values matMul summing over bars and lags. Same values as the per-lag
      // form below (a test compares both) with 2 batched matMuls instead of 2 per lag, and none of the
      // per-lag shift (slice + concat) and slice copies or lag-weight broadcasts over [B·H, A, dh].
      const byLagHeads = (t: tf.Tensor) => {
        const byBar = tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [b * w, a, heads, headDim]);
        const headsFirst = tf.reshape(tf.transpose(byBar, [0, 2, 1, 3]), [b, w, heads, a * headDim]);
        return tf.reshape(tf.transpose(headsFirst, [0, 2, 1, 3]), [b * heads, w * a, headDim]);
      };
      const scores = tf.mul(batchMatMul(q, byLagHeads(keys), true), scalar(1 / Math.sqrt(headDim)));
      const perBar = softmax(tf.reshape(scores, [b * heads, a, w, a]));
      // Bar j of the window is lag w - j.
      const barWeights = tf.reshape(tf.reverse(lagWeights), [1, 1, w, 1]);
      const weighted = tf.reshape(tf.mul(perBar, barWeights), [b * heads, a, w * a]);
      combined = batchMatMul(weighted, byLagHeads(values), false);
    } else {
      const atQueries = (t: tf.Tensor, lag: number) =>
        assetHeads(tf.slice(shiftBack(t, lag, 2), [0, 0, w - positions, 0], [b, a, positions, d]));
      const perLag = Array.from({ length: maxLag }, (_, i) => {
        const { out } = attention(q, atQueries(keys, i), atQueries(values, i));
        return tf.mul(out, tf.slice(lagWeights, [i], [1]));
      });
      combined = perLag.length === 1 ? perLag[0]! : tf.addN(perLag);
    }
    const rows = tf.reshape(
      tf.transpose(tf.reshape(combined, [b, positions * heads, a, headDim]), [0, 2, 1, 3]),
      [b * a * positions, d],
    );
    const projected = tf.reshape(dense(rows, ps.get('lag/out'), ps.get('lag/out_b')), [b, a, positions, d]);
    const newest = tf.reshape(tf.slice(projected, [0, 0, positions - 1, 0], [b, a, 1, d]), [b * a, d]);
    return { out: drop(newest) as tf.Tensor2D, lagWeights, positions: projected };
  }

  /**
   * The lag module queried at `positions` newest bars: [B, A, positions, D] (causality tests).
   * `perLagPath` forces the general per-lag form (tests compare it with the newest-bar form).
   */
  lagPositions(x: tf.Tensor4D, summary: tf.Tensor2D, positions: number, perLagPath = false): tf.Tensor {
    return this.lagAttention(x, summary, (v) => v, positions, perLagPath).positions;
  }

  dispose(): void {
    disposeCompiledCalls(this);
    this.params.dispose();
    if (this.hierarchy) {
      this.hierarchy.sector.dispose();
      this.hierarchy.market.dispose();
    }
  }
}

/**
 * The q, k and v projections of the same rows [G·T, d] as one dense layer on the concatenated weights
 * [d, 3d], straight into heads [G·H, T, d/H] each: the same values as three dense layers and toHeads,
 * but the backward pass makes one dx matMul instead of three plus two adds, one dW matMul [d, N]·[N, 3d]
 * (one transpose of the rows instead of three) and one bias sum. The parts are separated after two
 * rank-4 transposes put them first, so the split is three contiguous blocks (wasm slices other axes
 * row by row in JS: splitting [N, 3d] on its last axis cost more than the transposes). The weights stay
 * three variables (saved models and Adam's order are unchanged); their concat is [d, 3d], small.
 */
function projectQkvHeads(
  rows: tf.Tensor2D,
  weight: (name: string) => tf.Tensor,
  groups: number,
  tokens: number,
  heads: number,
): tf.Tensor3D[] {
  const parts = ['q', 'k', 'v'] as const;
  const d = rows.shape[1];
  const headDim = d / heads;
  const w = tf.concat(
    parts.map((part) => weight(part)),
    1,
  );
  const bias = tf.concat(
    parts.map((part) => weight(`${part}_b`)),
    0,
  );
  const qkv = dense(rows, w, bias); // [G·T, 3d]: (part, head, headDim) per row
  if (layerFlavour() === 'native') {
    // One rank-5 transpose to [3, G, H, T, dh] and an unstack along the parts: native kernels both.
    const parts5 = tf.transpose(tf.reshape(qkv, [groups, tokens, 3, heads, headDim]), [2, 0, 3, 1, 4]);
    return tf
      .unstack(tf.reshape(parts5, [3, groups * heads, tokens, headDim]))
      .map((part) => part as tf.Tensor3D);
  }
  const partFirst = tf.transpose(tf.reshape(qkv, [groups, tokens, 3, d]), [2, 0, 1, 3]); // [3, G, T, d]
  const headed = tf.transpose(tf.reshape(partFirst, [3 * groups, tokens, heads, headDim]), [0, 2, 1, 3]);
  return tf
    .split(tf.reshape(headed, [3, groups * heads * tokens * headDim]), 3, 0)
    .map((part) => tf.reshape(part, [groups * heads, tokens, headDim]) as tf.Tensor3D);
}

function projections(ps: ParamStore, prefix: string, d: number): void {
  for (const part of ['q', 'k', 'v']) {
    ps.glorot(`${prefix}/${part}`, [d, d]);
    ps.constant(`${prefix}/${part}_b`, [d], 0);
  }
}

/** Long-only: softmax over assets (sums to 1). Long-short: tanh scaled to gross exposure 1. */
export function portfolioWeights(scores: tf.Tensor2D, kind: ModelConfig['portfolio']): tf.Tensor2D {
  if (kind === 'long-only') return tf.softmax(scores) as tf.Tensor2D;
  const raw = tf.tanh(scores);
  return tf.div(raw, tf.add(tf.sum(tf.abs(raw), 1, true), 1e-8)) as tf.Tensor2D;
}

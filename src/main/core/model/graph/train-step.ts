// The training step's forward-backward pass as one TensorFlow graph on the native backend, per batch
// size (compiled-calls.ts: traced on the first step, checked against the eager step on the second,
// graph-only from the third). The graph's feeds: the parameters, the batch (x, returns, direction,
// continues), the return scale and the dropout masks, which are drawn here in JS exactly as the eager
// step draws them (layers.ts dropoutMask, model.ts dropoutSeeding). Its outputs: the four losses and
// the gradients.
import type { tf } from '../backend';
import { stepLosses, stepTensors, type StepLosses } from '../gradients';
import { dropoutMask, tapDropoutMasks, type DropoutDraw } from '../layers';
import type { Losses, LossTargets } from '../losses';
import { dropoutSeeding, type BatchParts, type CrossAssetModel, type ForwardOutput } from '../model';
import { CompiledCalls } from './compiled-calls';

/** A step's input: the batch's windows and its loss targets. */
export type StepBatch = LossTargets & { x: tf.Tensor4D };

/** A dropout draw of the traced step: its mask's size, its rate, its seed relative to the step's base. */
type TracedDraw = { size: number; rate: number; offset: number };

/** A training run's graph steps; dispose with the run. */
export class GraphSteps {
  private readonly calls: CompiledCalls;
  /** Per batch size, the traced step's dropout draws, their seeds relative to the step's base seed. */
  private readonly draws = new Map<number, TracedDraw[]>();
  /** Per batch size, one buffer per dropout draw, refilled every step (the run copies its feeds). */
  private readonly masks = new Map<number, Float32Array[]>();
  /** Indices of the parameters that have a gradient (the outputs after the losses, in this order). */
  private withGradient: number[] = [];
  private readonly offsets: number[];
  /** A flat gradient buffer for the caller's steps (one per run). */
  readonly gradient: Float32Array;

  constructor(
    private readonly model: CrossAssetModel,
    private readonly lossesOf: (out: ForwardOutput, batch: StepBatch) => Losses,
  ) {
    // Shared with the steps of other models of the same signature in this thread (a walk-forward's folds).
    this.calls = new CompiledCalls(`train-step ${model.signature}`);
    let offset = 0;
    this.offsets = model.params.list().map((v) => {
      const at = offset;
      offset += v.size;
      return at;
    });
    this.gradient = new Float32Array(offset);
  }

  /** Why a batch size stayed eager, or null. */
  get reason(): string | null {
    return this.calls.reason;
  }

  /** Whether steps of `batchSize` samples run as a graph now. */
  compiledFor(batchSize: number): boolean {
    return this.calls.compiled(String(batchSize));
  }

  /** The step's losses, and its gradient in parameter order written into `gradient` (flat). */
  gradients(batch: StepBatch, dropoutSeed: number | BatchParts, gradient: Float32Array): StepLosses {
    const size = batch.x.shape[0];
    const { base, parts } = dropoutSeeding(dropoutSeed);
    const feeds = [
      ...this.model.params.list(),
      batch.x,
      batch.returns,
      batch.direction,
      batch.continues,
      batch.returnScale,
    ];
    const [losses, ...grads] = this.calls.call(
      String(size),
      feeds,
      (declareFeed) => {
        const traced: DropoutDraw[] = [];
        if (declareFeed) {
          tapDropoutMasks((mask, draw) => {
            declareFeed(mask);
            traced.push(draw);
          });
        }
        try {
          const step = stepTensors(this.model, batch.x, dropoutSeed, (out) => this.lossesOf(out, batch));
          this.withGradient = step.grads.flatMap((g, i) => (g ? [i] : []));
          return [step.losses, ...this.withGradient.map((i) => step.grads[i]!)];
        } finally {
          if (declareFeed) {
            tapDropoutMasks(null);
            this.draws.set(
              size,
              traced.map((d) => ({ size: d.size, rate: d.rate, offset: d.seed - base })),
            );
          }
        }
      },
      {
        // A program taken over from another model's steps comes with the dropout draws it was traced with.
        shareTrace: () => this.draws.get(size),
        adoptTrace: (draws) => this.draws.set(size, draws as TracedDraw[]),
        lateFeeds: () => {
          const draws = this.draws.get(size) ?? [];
          let buffers = this.masks.get(size);
          if (!buffers) this.masks.set(size, (buffers = draws.map((m) => new Float32Array(m.size))));
          return draws.map((m, i) => dropoutMask(m.size, m.rate, base + m.offset, parts, buffers[i]));
        },
      },
    );
    gradient.fill(0);
    this.withGradient.forEach((index, k) => gradient.set(grads[k]!.data, this.offsets[index]!));
    return stepLosses(losses!.data);
  }

  dispose(): void {
    this.calls.dispose();
  }
}

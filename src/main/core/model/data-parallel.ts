// Exact data-parallel training on two worker threads (config `training.workers: 2`). wasm is
// single-threaded in Node, so a second thread is the only way to use the second core. The trainer (the
// training worker) keeps the model, Adam and evaluation; one replica holds a copy of the model and the
// dataset. Each step the batch is split into two contiguous halves, first half on the trainer, second
// on the replica. Inside the loss the halves swap their portfolio-return sufficient statistics and
// boundary weights (computeHalfLosses), so each half's gradient is its exact share of the whole batch's
// and their sum is the whole batch's gradient. The replica's gradient comes back through shared memory,
// the trainer adds it to its own (fixed order) and applies Adam, and the new parameters go back the same
// way. Steps are synchronised with Atomics.wait/notify on shared counters: no message round trips, and
// both sides block (never spin) while waiting.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain';
import type { ModelConfig } from '../../../shared/contract/model';
import { CoreError } from '../../../shared/errors';
import type { NormStats, WindowSource } from '../features/windows';
import type { tf } from './backend';
import type { Dataset } from './dataset';
import { lossGradients, type StepLosses } from './gradients';
import { computeHalfLosses, type HalfContext, type HalfStatistics } from './losses';
import type { CrossAssetModel } from './model';

/** Int32 control slots. Counters hold the sequence number of the step they last reached. */
export const SLOT = {
  /** Step sequence the trainer asks for; STOP ends the replica. */
  command: 0,
  trainerStats: 1,
  replicaStats: 2,
  replicaDone: 3,
  status: 4,
  /** Samples in the replica's half. */
  count: 5,
  /** 1 when the replica's first bar directly follows the trainer's last (turnover across the halves). */
  boundary: 6,
  /** Samples in the whole batch. */
  total: 7,
} as const;
const CONTROL_SLOTS = 8;
export const STATUS_OK = 0;
export const STATUS_REPLICA_FAILED = 1;
export const STATUS_STOPPING = 2;
export const STOP = -1;
/** Waits are sliced into 1 s waits (so a stop or failure is noticed) and give up after 10 minutes. */
const WAIT_SLICE_MS = 1000;
const WAIT_SLICES = 600;

export interface SharedBuffers {
  control: SharedArrayBuffer;
  /** The replica's bar indices (Int32). */
  bars: SharedArrayBuffer;
  /** Float64: [step seed, trainer stats, replica stats, replica losses (mse, ce, sharpe)]. */
  numbers: SharedArrayBuffer;
  /** Float32, flat in the model's parameter order: the trainer publishes after each update. */
  params: SharedArrayBuffer;
  /** Float32, flat: the replica's gradient of its half. */
  grads: SharedArrayBuffer;
  assets: number;
}

export interface SharedViews {
  control: Int32Array;
  bars: Int32Array;
  numbers: Float64Array;
  params: Float32Array;
  grads: Float32Array;
  assets: number;
}

const statsLength = (assets: number) => 3 + assets;
const statsOffset = (side: 0 | 1, assets: number) => 1 + side * statsLength(assets);
export const lossesOffset = (assets: number) => 1 + 2 * statsLength(assets);

export function createShared(parameters: number, assets: number, maxBars: number): SharedBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
    bars: new SharedArrayBuffer(Math.max(1, maxBars) * 4),
    numbers: new SharedArrayBuffer((lossesOffset(assets) + 3) * 8),
    params: new SharedArrayBuffer(parameters * 4),
    grads: new SharedArrayBuffer(parameters * 4),
    assets,
  };
}

export function viewsOf(shared: SharedBuffers): SharedViews {
  return {
    control: new Int32Array(shared.control),
    bars: new Int32Array(shared.bars),
    numbers: new Float64Array(shared.numbers),
    params: new Float32Array(shared.params),
    grads: new Float32Array(shared.grads),
    assets: shared.assets,
  };
}

/** Thrown by a wait when the other side stopped or failed. */
export class PeerStopped extends Error {}

/** Blocks until control[index] === value; throws PeerStopped when the status leaves OK. */
export function waitFor(control: Int32Array, index: number, value: number): void {
  for (let slices = 0; ;) {
    const current = Atomics.load(control, index);
    if (current === value) return;
    if (Atomics.load(control, SLOT.status) !== STATUS_OK) throw new PeerStopped('the other worker stopped');
    if (Atomics.wait(control, index, current, WAIT_SLICE_MS) === 'timed-out' && ++slices >= WAIT_SLICES)
      throw new CoreError('INTERNAL', 'The training replica did not answer for 10 minutes.');
  }
}

function signal(control: Int32Array, index: number, value: number): void {
  Atomics.store(control, index, value);
  Atomics.notify(control, index);
}

/** The exchange function of one side for step `seq`: publish own statistics, wait for the other's. */
export function exchangeFor(views: SharedViews, side: 0 | 1, seq: number): HalfContext['exchange'] {
  const { numbers, control, assets } = views;
  return (own: HalfStatistics) => {
    const mine = statsOffset(side, assets);
    numbers[mine] = own.sum;
    numbers[mine + 1] = own.sumSquares;
    numbers[mine + 2] = own.boundaryGross;
    numbers.set(own.boundaryWeights, mine + 3);
    signal(control, side === 0 ? SLOT.trainerStats : SLOT.replicaStats, seq);
    waitFor(control, side === 0 ? SLOT.replicaStats : SLOT.trainerStats, seq);
    const theirs = statsOffset(side === 0 ? 1 : 0, assets);
    return {
      sum: numbers[theirs]!,
      sumSquares: numbers[theirs + 1]!,
      boundaryGross: numbers[theirs + 2]!,
      boundaryWeights: Float32Array.from(numbers.subarray(theirs + 3, theirs + 3 + assets)),
    };
  };
}

export interface HalfBatch {
  x: tf.Tensor4D;
  returns: tf.Tensor2D;
  direction: tf.Tensor3D;
  continues: tf.Tensor1D;
}

/** This half's share of the total (MSE and cross-entropy shares, the whole batch's Sharpe term). */
export type HalfLosses = StepLosses;

/**
 * Forward and backward of one half; writes the flat gradient (parameter order, zeros where the loss does
 * not depend on a parameter) into `into`. Everything runs inside tf.tidy: the tensor count stays flat.
 */
export function halfGradients(
  model: CrossAssetModel,
  batch: HalfBatch,
  returnScale: tf.Tensor1D,
  dropoutSeed: number,
  context: HalfContext,
  into: Float32Array,
): HalfLosses {
  return lossGradients(
    model,
    batch.x,
    dropoutSeed,
    (out) => computeHalfLosses(out, { ...batch, returnScale }, model.config.loss, context),
    (variables, grads) => {
      let offset = 0;
      variables.forEach((v, i) => {
        const g = grads[i];
        if (g) into.set(g.dataSync() as Float32Array, offset);
        else into.fill(0, offset, offset + v.size);
        offset += v.size;
      });
    },
  );
}

/** What the replica thread receives (structured-cloned; the typed arrays sit on SharedArrayBuffers). */
export interface ReplicaData {
  shared: SharedBuffers;
  source: WindowSource;
  stats: NormStats;
  config: ModelConfig;
  seed: number;
  /** The trainer's backend, so that both halves compute alike; undefined: the best available. */
  backend: BackendName | undefined;
  port: MessagePort;
}

export type ReplicaMessage = { type: 'ready' } | { type: 'error'; message: string };

let liveReplicas = 0;
/** Replica threads started by this thread and not yet terminated (tests check for leaks). */
export function activeReplicas(): number {
  return liveReplicas;
}

/**
 * Resolved like worker-client's training worker: the compiled train-replica.js when it exists (a
 * bundle), else the TypeScript entry through the tsx bootstrap (source, tests). In a bundle this module
 * may sit in a shared chunk one folder below the entries, hence the second candidate.
 */
function spawnReplica(workerData: Omit<ReplicaData, 'port'>, port: MessagePort): Worker {
  for (const bundled of [
    new URL('./train-replica.js', import.meta.url),
    new URL('../train-replica.js', import.meta.url),
  ]) {
    if (bundled.protocol === 'file:' && existsSync(fileURLToPath(bundled))) {
      return new Worker(bundled, { workerData: { ...workerData, port }, transferList: [port] });
    }
  }
  const entry = new URL('./train-replica.ts', import.meta.url).href;
  return new Worker(new URL('./train-worker-bootstrap.mjs', import.meta.url), {
    workerData: { ...workerData, port, entry },
    transferList: [port],
  });
}

/** Copies a typed array into shared memory so that the replica reads it without another copy. */
function shared<T extends Float32Array | Float64Array>(values: T): T {
  const Kind = values.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Kind(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** The trainer's handle on its replica thread. */
export class Replica {
  private seq = 0;
  private closed = false;
  private failure: string | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    readonly views: SharedViews,
  ) {}

  /** Starts the replica with the model's current parameters; resolves once it is ready to step. */
  static async start(
    data: Dataset,
    config: ModelConfig,
    seed: number,
    backend: BackendName | undefined,
    parameters: Float32Array,
  ): Promise<Replica> {
    const buffers = createShared(parameters.length, data.source.symbols.length, data.trainBars.length);
    const views = viewsOf(buffers);
    views.params.set(parameters);
    const channel = new MessageChannel();
    const source: WindowSource = {
      ...data.source,
      features: shared(data.source.features),
      closes: shared(data.source.closes),
    };
    const worker = spawnReplica(
      { shared: buffers, source, stats: data.stats, config, seed, backend },
      channel.port2,
    );
    liveReplicas++;
    const replica = new Replica(worker, channel.port1, views);
    // Kept for the replica's whole life: an 'error' event without a listener would crash this thread.
    worker.on('error', (err) => (replica.failure ??= err.message));
    worker.once('exit', () => replica.markExited());
    try {
      await new Promise<void>((resolve, reject) => {
        channel.port1.once('message', (message: ReplicaMessage) =>
          message.type === 'ready' ? resolve() : reject(new Error(message.message)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`it exited with code ${code}`)));
      });
    } catch (err) {
      await replica.close();
      throw new CoreError('INTERNAL', `The training replica did not start: ${(err as Error).message}`);
    }
    // From here on the port is read synchronously (receiveMessageOnPort) while this thread is blocked.
    channel.port1.removeAllListeners('message');
    channel.port1.unref();
    return replica;
  }

  /** Parameters the trainer publishes after each update (read by the replica before its next step). */
  get params(): Float32Array {
    return this.views.params;
  }

  /** Hands the second half to the replica; returns the step's sequence number. */
  begin(bars: readonly number[], dropoutSeed: number, total: number, boundary: number): number {
    const { control, numbers } = this.views;
    const seq = ++this.seq;
    this.views.bars.set(bars);
    control[SLOT.count] = bars.length;
    control[SLOT.total] = total;
    control[SLOT.boundary] = boundary;
    numbers[0] = dropoutSeed;
    signal(control, SLOT.command, seq); // Atomics.store orders the plain writes above before it
    return seq;
  }

  exchange(seq: number): HalfContext['exchange'] {
    const exchange = exchangeFor(this.views, 0, seq);
    return (own) => this.guard(() => exchange(own));
  }

  /** Waits for the replica's half; its gradient is in `views.grads` until the next begin(). */
  finish(seq: number): HalfLosses {
    this.guard(() => waitFor(this.views.control, SLOT.replicaDone, seq));
    const at = lossesOffset(this.views.assets);
    const n = this.views.numbers;
    return { total: 0, mse: n[at]!, crossEntropy: n[at + 1]!, sharpe: n[at + 2]! };
  }

  private markExited(): void {
    if (this.exited) return;
    this.exited = true;
    liveReplicas--;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof PeerStopped)) throw err;
      const message = receiveMessageOnPort(this.port)?.message as ReplicaMessage | undefined;
      const reason = message?.type === 'error' ? message.message : (this.failure ?? 'it stopped');
      throw new CoreError('INTERNAL', `The training replica failed: ${reason}`);
    }
  }

  /** Stops and terminates the replica thread; resolves once it has exited. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { control } = this.views;
    Atomics.compareExchange(control, SLOT.status, STATUS_OK, STATUS_STOPPING);
    Atomics.store(control, SLOT.command, STOP);
    for (let i = 0; i < CONTROL_SLOTS; i++) Atomics.notify(control, i);
    await this.worker.terminate();
    this.markExited();
    this.port.close();
  }
}

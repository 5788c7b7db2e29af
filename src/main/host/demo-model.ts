// The demo's first run: with nothing trained yet for the simulator's symbols and interval, a small
// attention model trains in the background as soon as the simulator's history is stored (seconds, not
// minutes: a compact network and a few hundred steps), so that paper trading can start on it in one
// click and the weights, the attention and the P&L move within the first two minutes. Progress goes out
// as the usual job.progress events (the status bar shows them); the model is an ordinary one of the
// user's, named as trained on synthetic data.
import type { CallName, CallParams, CallResult } from '../../shared/contract';
import type { ModelConfigInput } from '../../shared/contract/model';
import type { Core } from '../core/core';
import { SIMULATOR_FEED } from '../core/embedded-feed';

export const DEMO_MODEL_JOB_ID = 'demo-model';
/** The simulator backfills 1,000 bars; the model needs its warm-up and lookback of them. */
const MIN_BARS = 600;
const WAIT_FOR_BARS_MS = 120_000;

/** Small enough to train in seconds on the wasm backend, large enough to show cross-asset attention. */
export const DEMO_MODEL_CONFIG: ModelConfigInput = {
  lookback: 24,
  patchLength: 4,
  dModel: 16,
  heads: 2,
  layers: 1,
  maxLag: 3,
  features: ['logReturn', 'range', 'volumeRatio'],
  training: { epochs: 3, batchSize: 32, maxStepsPerEpoch: 20 },
};

/** A call through the core's dispatch, typed by the contract. */
function call<M extends CallName>(core: Core, method: M, params: CallParams<M>): Promise<CallResult<M>> {
  return core.dispatch(method, params, { signal: new AbortController().signal }) as Promise<CallResult<M>>;
}

/**
 * Trains the demo model unless one of the user's models already trades the settings' series; says what
 * it does through `log`; never throws (the demo runs without it).
 */
export async function trainDemoModelOnFirstRun(core: Core, log: (line: string) => void): Promise<void> {
  try {
    const settings = core.settings.current();
    if (settings.feed !== SIMULATOR_FEED) return;
    const models = await call(core, 'model.list', {});
    const same = (symbols: readonly string[]) => symbols.join(',') === settings.symbols.join(',');
    if (models.some((m) => m.feed === SIMULATOR_FEED && m.interval === settings.interval && same(m.symbols)))
      return;

    const deadline = Date.now() + WAIT_FOR_BARS_MS;
    let range: { from: number; to: number } | null = null;
    while (range === null) {
      const info = await call(core, 'market.symbols', {});
      const series = settings.symbols.map((symbol) =>
        info.stored.find(
          (s) => s.feed === SIMULATOR_FEED && s.symbol === symbol && s.interval === settings.interval,
        ),
      );
      if (series.every((s) => s && s.count >= MIN_BARS && s.first !== null && s.last !== null)) {
        range = {
          from: Math.max(...series.map((s) => s!.first!)),
          to: Math.min(...series.map((s) => s!.last!)),
        };
      } else if (Date.now() > deadline) {
        log('The demo model was not trained: the simulator’s history was not stored in time.');
        return;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    log(
      'First run: training a small demo model on the synthetic history in the background (see the status bar).',
    );
    const model = await call(core, 'model.train', {
      feed: SIMULATOR_FEED,
      symbols: settings.symbols,
      interval: settings.interval,
      ...range,
      config: DEMO_MODEL_CONFIG,
      seed: 1,
      name: 'demo model (synthetic data)',
      jobId: DEMO_MODEL_JOB_ID,
    });
    log(`Demo model ${model.id} trained: start paper trading on it from the Live view.`);
  } catch (err) {
    log(`The demo model was not trained: ${err instanceof Error ? err.message : String(err)}`);
  }
}

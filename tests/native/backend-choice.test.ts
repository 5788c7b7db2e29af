// The core's start-up choice of a backend per model job (model/backend-choice.ts): every available
// backend is timed on the default model, each job goes to the faster one, and the core's thread is
// left on the decisions backend. Runs in the model-native project, where tensorflow and wasm both load.
import { expect, it } from 'vitest';
import { currentBackend } from '../../src/main/core/model/backend';
import { chooseBackends } from '../../src/main/core/model/backend-choice';

it('times both backends on both jobs and gives each job the faster one', async () => {
  // The project pins the tests' backend through this variable; the core's choice is unpinned.
  delete process.env.CROSSDESK_TF_BACKEND;
  const choice = await chooseBackends({ now: () => performance.now() });
  process.stdout.write(`backend choice: ${JSON.stringify(choice)}\n`);
  expect(choice.how).toBe('measured');
  expect(choice.measurements.map((m) => m.backend).sort()).toEqual(['tensorflow', 'wasm']);
  for (const m of choice.measurements) {
    expect(m.decisionMs).toBeGreaterThan(0);
    expect(m.trainStepMs).toBeGreaterThan(m.decisionMs);
  }
  const fastest = (key: 'decisionMs' | 'trainStepMs') =>
    [...choice.measurements].sort((a, b) => a[key] - b[key])[0]!.backend;
  expect(choice.decisions).toBe(fastest('decisionMs'));
  expect(choice.training).toBe(fastest('trainStepMs'));
  // The patched binding (setup:native) lets two trainings run at once when training is native.
  expect(choice.concurrentTrainings).toBe(choice.training === 'tensorflow' ? 2 : 1);
  // With the graph addon built (setup:native), native jobs run as graphs.
  expect(choice.graphs).toBe(choice.training === 'tensorflow' || choice.decisions === 'tensorflow');
  // Predictions run on this thread: it is left on the decisions backend.
  expect(currentBackend()).toBe(choice.decisions);
  // Made once: later calls (every model call awaits it) get the same choice without measuring again.
  expect(await chooseBackends({ now: () => performance.now() })).toBe(choice);
});

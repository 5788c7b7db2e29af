// The graph session addon (native/graph-session.cc, with adam.cc, dropout.cc and signals.cc): compiled
// by `npm run setup:native` beside tfjs-node's binding, against the same TensorFlow C library and
// headers in the package's deps/. The app runs whole training steps and predictions through it as
// TensorFlow graphs (src/main/core/model/graph/). A source hash beside the built file tells whether it
// is current.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADDON_FILE = 'crossdesk_graph.node';
const HASH_FILE = 'crossdesk_graph.sha256';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SOURCES = ['graph-session.cc', 'adam.cc', 'dropout.cc', 'signals.cc'].map((file) =>
  join(root, 'native', file),
);
const HEADERS = ['adam.h', 'dropout.h', 'signals.h'].map((file) => join(root, 'native', file));

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...SOURCES, ...HEADERS]) hash.update(readFileSync(file));
  return hash.digest('hex');
}

/** Whether bindingDir holds an addon built from the current source. */
export function graphAddonCurrent(bindingDir) {
  const hash = join(bindingDir, HASH_FILE);
  return (
    existsSync(join(bindingDir, ADDON_FILE)) &&
    existsSync(hash) &&
    readFileSync(hash, 'utf8').trim() === sourceHash()
  );
}

/**
 * Compiles the addon into bindingDir. Returns { ok, out }: out is the compiler's output on failure.
 * The rpath matches the binding's ($ORIGIN/../../deps/lib), so both load the same libtensorflow.
 */
export function buildGraphAddon({ packageDir, bindingDir, nodedir, compiler }) {
  const output = join(bindingDir, ADDON_FILE);
  const result = spawnSync(
    compiler,
    [
      '-std=c++17',
      '-O3',
      // No fused multiply-add: Adam's update (adam.cc) must round as the JavaScript loop does. No errno
      // from sqrt, whose branch keeps the loop from being vectorised (its argument is never negative).
      '-ffp-contract=off',
      '-fno-math-errno',
      '-shared',
      '-fPIC',
      `-I${join(nodedir, 'include', 'node')}`,
      `-I${join(packageDir, 'deps', 'include')}`,
      ...SOURCES,
      `-L${join(packageDir, 'deps', 'lib')}`,
      '-ltensorflow',
      '-Wl,-rpath,$ORIGIN/../../deps/lib',
      '-o',
      output,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) return { ok: false, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
  writeFileSync(join(bindingDir, HASH_FILE), `${sourceHash()}\n`);
  return { ok: true, out: '' };
}

// Loads the addon in a child process (a broken library can abort the process that loads it) and runs
// a two-op graph: x · x + c for a placeholder x and a constant c.
const VERIFY = `
const addon = require(process.argv[1]);
const p = addon.createProgram();
const x = addon.addOperation(p, 'Placeholder', 'x', [], [{ name: 'dtype', type: 4, value: 1 }]);
const c = addon.addOperation(p, 'Const', 'c', [], [
  { name: 'dtype', type: 4, value: 1 },
  { name: 'value', type: 6, value: { dtype: 1, shape: [2], data: new Float32Array([1, 2]) } },
]);
const y = addon.addOperation(p, 'AddV2', 'y', [[addon.addOperation(p, 'Mul', 'xx', [[x, 0], [x, 0]], []), 0], [c, 0]], []);
addon.startSession(p, null);
const [out] = addon.run(p, [{ op: x, index: 0, dtype: 1, shape: [2], data: new Float32Array([3, 4]) }], [[y, 0]]);
const values = Array.from(new Float32Array(out.data));
if (values.join() !== '10,18') throw new Error('graph gave ' + values);
addon.closeProgram(p);
console.log('graph addon, TensorFlow ' + addon.tensorflowVersion);
`;

/** { ok, detail } for the addon in bindingDir. */
export function checkGraphAddon(bindingDir) {
  const result = spawnSync(process.execPath, ['-e', VERIFY, join(bindingDir, ADDON_FILE)], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (result.status === 0) return { ok: true, detail: result.stdout.trim() };
  const lines = (result.stderr ?? '').trim().split('\n');
  return { ok: false, detail: (lines.find((l) => /Error/.test(l)) ?? lines.slice(-2).join(' ')).trim() };
}

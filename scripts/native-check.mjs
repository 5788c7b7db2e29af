// Whether the native TensorFlow backend (@tensorflow/tfjs-node) works in this checkout: loads its
// binding in a child process (a broken binding can abort the process that loads it), selects the
// 'tensorflow' backend, and checks one matMul and one gradient against known values. Used by
// `npm run setup:native` and by the vitest config (which runs the model tests on each backend).
import { spawnSync } from 'node:child_process';

const PACKAGE = '@tensorflow/tfjs-node';

const VERIFY = `
const tf = require(${JSON.stringify(PACKAGE)});
(async () => {
  await tf.setBackend('tensorflow');
  await tf.ready();
  if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());
  const product = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
  if (product.join() !== '17,39') throw new Error('matMul gave ' + product);
  const grad = Array.from(tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3])).dataSync());
  if (grad.join() !== '2,-4,6') throw new Error('gradient gave ' + grad);
  console.log('tfjs ' + tf.version.tfjs + ', TensorFlow C library ' + (tf.backend().binding?.TF_Version ?? '?'));
})().catch((err) => { console.error(err && err.message ? err.message : String(err)); process.exit(1); });
`;

/** { ok, detail }: detail is the versions when ok, else the line that names the failure. */
export function checkNative(cwd) {
  // TensorFlow's C++ start-up notes (oneDNN, CPU features) go to stderr; only the result matters.
  const result = spawnSync(process.execPath, ['-e', VERIFY], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (result.status === 0) return { ok: true, detail: result.stdout.trim() };
  const lines = (result.stderr ?? '').trim().split('\n');
  // The first line that names the error (a missing package, a failed dlopen), not the stack under it.
  const reason =
    lines.find((line) => /^\w*Error:/.test(line.trim())) ??
    lines.find((line) => /cannot|not found|undefined symbol/i.test(line)) ??
    lines.slice(-3).join(' ');
  return { ok: false, detail: reason.trim() };
}

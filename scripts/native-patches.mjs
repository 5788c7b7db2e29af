// Source patches applied to @tensorflow/tfjs-node's binding before `npm run setup:native` compiles it,
// and the marker that says a built binding carries them (read by the app: model/native-threads.ts).
//
// thread-safe-attr-names: the binding keeps every op attribute name in one process-wide
// `static std::set<std::string> ATTR_NAME_SET`, inserted into on every op, without a lock. Each
// worker thread that loads tfjs-node gets its own TensorFlow context, but they all share that set:
// two threads running ops at once corrupt its tree, and ops then reach TensorFlow with another op's
// attribute names ("No attr named 'DstT' in NodeDef: Cast", "OpKernel 'ConcatV2' has constraint on
// attr 'T' not in NodeDef '[N=3, Tidx=DT_INT32, adj_y=DT_FLOAT]'") or the heap is corrupted
// ("corrupted size vs. prev_size"). Seen here with two training threads on tensorflow. The patch
// guards the insert with a mutex; std::set nodes never move, so the returned pointers stay valid.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PATCHES = ['thread-safe-attr-names'];
/** Written next to the compiled binding: { patches: [...] }. */
export const MARKER = 'crossdesk-patches.json';

const SET_LINE = 'static std::set<std::string> ATTR_NAME_SET;';
const GUARD = 'static std::mutex ATTR_NAME_SET_MUTEX;';
const INSERT = 'ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();';
const LOCK = 'std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX)';

/**
 * Patches binding/tfjs_backend.cc in the package directory (idempotent). Throws with what it did not
 * find: another tfjs-node version may have moved the lines, and then the build must not go on silently.
 */
export function patchBindingSource(packageDir) {
  const file = join(packageDir, 'binding', 'tfjs_backend.cc');
  const original = readFileSync(file, 'utf8');
  let source = original;
  if (!source.includes(SET_LINE)) {
    throw new Error(`${file} does not have the line the thread-safety patch expects (${SET_LINE})`);
  }
  // Each part on its own, so that a half-patched file is completed.
  if (!source.includes('#include <mutex>')) {
    source = source.replace('#include "utils.h"', '#include "utils.h"\n\n#include <mutex>');
  }
  if (!source.includes(GUARD)) {
    source = source.replace(
      SET_LINE,
      `${SET_LINE}\n// Guards ATTR_NAME_SET: every thread that loads the binding inserts into it.\n${GUARD}`,
    );
  }
  if (!source.includes(LOCK)) {
    if (!source.includes(INSERT)) {
      throw new Error(`${file} does not have the line the thread-safety patch expects (${INSERT})`);
    }
    source = source.replace(
      INSERT,
      `[&] {\n        ${LOCK};\n        return ${INSERT.replace(/;$/, '')};\n      }();`,
    );
  }
  if (source === original) return 'already patched';
  writeFileSync(file, source);
  return 'patched';
}

/** Records the patches beside the built binding (lib/napi-v*). */
export function writeMarker(bindingDir) {
  writeFileSync(join(bindingDir, MARKER), `${JSON.stringify({ patches: PATCHES })}\n`);
}

/** Whether the binding in bindingDir was built with every patch. */
export function hasAllPatches(bindingDir) {
  const file = join(bindingDir, MARKER);
  if (!existsSync(file)) return false;
  try {
    const { patches } = JSON.parse(readFileSync(file, 'utf8'));
    return PATCHES.every((name) => Array.isArray(patches) && patches.includes(name));
  } catch {
    return false;
  }
}

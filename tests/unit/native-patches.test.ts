// The source patch `npm run setup:native` applies to tfjs-node's binding before compiling it (the lock
// around its process-wide attribute-name set), and the marker the app reads to know a binding has it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasAllPatches, MARKER, patchBindingSource, writeMarker } from '../../scripts/native-patches.mjs';

// The lines of tfjs-node 4.22's binding/tfjs_backend.cc that the patch touches, as they stand there.
const PRISTINE = `#include "tfe_auto_op.h"
#include "utils.h"

namespace tfnodejs {

// Used to hold strings beyond the lifetime of a JS call.
static std::set<std::string> ATTR_NAME_SET;

void AssignOpAttr(napi_env env, TFE_Op *tfe_op, napi_value attr_value) {
  const char *attr_name =
      ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();
}
`;

const dirs: string[] = [];
function packageWith(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossdesk-patch-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'binding'));
  writeFileSync(join(dir, 'binding', 'tfjs_backend.cc'), source);
  return dir;
}
const sourceOf = (dir: string) => readFileSync(join(dir, 'binding', 'tfjs_backend.cc'), 'utf8');

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('native-patches', () => {
  it('locks every insert into the attribute-name set, once however often it runs', () => {
    const dir = packageWith(PRISTINE);
    expect(patchBindingSource(dir)).toBe('patched');
    const patched = sourceOf(dir);
    expect(patched).toContain('#include <mutex>');
    expect(patched).toContain('static std::mutex ATTR_NAME_SET_MUTEX;');
    // The insert now runs under the lock, inside a lambda that returns the stable pointer.
    expect(patched).toMatch(
      /\[&\] \{\s+std::lock_guard<std::mutex> lock\(ATTR_NAME_SET_MUTEX\);\s+return ATTR_NAME_SET\.insert\(attr_name_string\.c_str\(\)\)\.first->c_str\(\);\s+\}\(\);/,
    );
    expect(patchBindingSource(dir)).toBe('already patched');
    expect(sourceOf(dir)).toBe(patched);
  });

  it('completes a half-patched file, and refuses a source without the lines it expects', () => {
    const half = packageWith(
      PRISTINE.replace('#include "utils.h"', '#include "utils.h"\n\n#include <mutex>'),
    );
    expect(patchBindingSource(half)).toBe('patched');
    expect(sourceOf(half).match(/#include <mutex>/g)).toHaveLength(1);
    expect(sourceOf(half)).toContain('std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX)');
    const moved = packageWith(PRISTINE.replace('static std::set<std::string> ATTR_NAME_SET;', ''));
    expect(() => patchBindingSource(moved)).toThrow(/does not have the line/);
  });

  it('marks a built binding, and only a marker naming every patch counts', () => {
    const dir = packageWith(PRISTINE);
    expect(hasAllPatches(dir)).toBe(false);
    writeMarker(dir);
    expect(hasAllPatches(dir)).toBe(true);
    writeFileSync(join(dir, MARKER), JSON.stringify({ patches: [] }));
    expect(hasAllPatches(dir)).toBe(false);
    writeFileSync(join(dir, MARKER), 'not json');
    expect(hasAllPatches(dir)).toBe(false);
  });
});

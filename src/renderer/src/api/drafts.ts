// What the user typed or chose, kept in the browser's storage so that it survives a change of view
// and a reload: form drafts (settings, training, backtest) and the window's state (view, symbol,
// layout). One key per thing under `crossdesk.`; a stored value of another shape than the current
// build's is ignored rather than trusted.
import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';

const PREFIX = 'crossdesk.';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the window still works, it just forgets
  }
}

/** The stored value of `key` when it has the shape of `fallback` (same type; for objects, same keys). */
export function readStored<T>(key: string, fallback: T): T {
  const raw = storage()?.getItem(PREFIX + key);
  if (raw == null) return fallback;
  try {
    const value = JSON.parse(raw) as unknown;
    if (fallback === null) return (value ?? fallback) as T;
    if (typeof value !== typeof fallback || Array.isArray(value) !== Array.isArray(fallback)) return fallback;
    if (typeof fallback === 'object' && !Array.isArray(fallback)) {
      const wanted = Object.keys(fallback as object);
      const has = Object.keys(value as object);
      if (!wanted.every((k) => has.includes(k))) return fallback;
      return { ...(fallback as object), ...(value as object) } as T;
    }
    return value as T;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    if (value === undefined) storage()?.removeItem(PREFIX + key);
    else storage()?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // full or disabled: nothing to do but forget
  }
}

export function removeStored(key: string): void {
  writeStored(key, undefined);
}

/** useState whose value is kept under `key` and read back on the next mount (a view change, a reload). */
export function useStoredState<T>(key: string, initial: T | (() => T)): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    const fallback = typeof initial === 'function' ? (initial as () => T)() : initial;
    return readStored(key, fallback);
  });
  useEffect(() => writeStored(key, value), [key, value]);
  const set = useCallback<Dispatch<SetStateAction<T>>>((next) => setValue(next), []);
  return [value, set];
}

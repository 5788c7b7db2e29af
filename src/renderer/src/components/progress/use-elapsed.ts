// Milliseconds since work started, re-rendered every second while it runs (and frozen once it ends),
// so that a progress line keeps saying something even when the work reports nothing for a while.
import { useEffect, useRef, useState } from 'react';

const TICK_MS = 1_000;

export function useElapsed(running: boolean): number {
  const span = useRef<{ start: number | null; end: number | null }>({ start: null, end: null });
  const [now, setNow] = useState(() => Date.now());
  // A new run starts its own clock; an ended one keeps its final figure.
  if (running && (span.current.start === null || span.current.end !== null))
    span.current = { start: Date.now(), end: null };
  if (!running && span.current.start !== null && span.current.end === null) span.current.end = Date.now();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  const { start, end } = span.current;
  return start === null ? 0 : Math.max(0, (end ?? Math.max(now, Date.now())) - start);
}

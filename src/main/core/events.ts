// The core's event bus: typed topics from the contract, fan-out to every host connection.
import type { EventPayload, EventTopic } from '../../shared/contract';
import type { EventSource } from '../../shared/rpc';

type AnyListener = (topic: EventTopic, payload: unknown) => void;

export class CoreEvents implements EventSource {
  private readonly all = new Set<AnyListener>();
  private readonly byTopic = new Map<EventTopic, Set<(payload: unknown) => void>>();

  emit<T extends EventTopic>(topic: T, payload: EventPayload<T>): void {
    for (const listener of this.byTopic.get(topic) ?? []) safely(() => listener(payload));
    for (const listener of this.all) safely(() => listener(topic, payload));
  }

  on<T extends EventTopic>(topic: T, listener: (payload: EventPayload<T>) => void): () => void {
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  subscribeAll(listener: AnyListener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }
}

/** A failing listener (e.g. a closed socket) must not stop delivery to the others. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('event listener failed:', err);
  }
}

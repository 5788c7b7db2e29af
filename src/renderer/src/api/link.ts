// The state of the renderer's link to the core, as the user sees it: which transport, whether it is up,
// and why not. `epoch` counts successful (re)connections so that views can reload their data after one.
export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface LinkStatus {
  transport: 'ipc' | 'websocket';
  state: LinkState;
  /** Why the link is not up, written for the user; null when connected. */
  reason: string | null;
  epoch: number;
}

type Listener = (status: LinkStatus) => void;

export class LinkStore {
  private status: LinkStatus;
  private readonly listeners = new Set<Listener>();

  constructor(initial: LinkStatus) {
    this.status = initial;
  }

  get = (): LinkStatus => this.status;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(change: Partial<LinkStatus>): void {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.status);
  }
}

// The one contract between the core and every host and client. Each call is declared once as
// 'domain.verb' → {params, result} zod schemas, each pushed event as topic → payload schema.
// The core validates every incoming params object against these; the renderer's types come from here.
import type { z } from 'zod';
import { backtestCalls } from './contract/backtest';
import { marketCalls, marketEvents } from './contract/market';
import { modelCalls, modelEvents } from './contract/model';
import { paperCalls, paperEvents } from './contract/paper';
import { settingsCalls, settingsEvents } from './contract/settings';

export const calls = {
  ...marketCalls,
  ...modelCalls,
  ...settingsCalls,
  ...backtestCalls,
  ...paperCalls,
} as const;

export const events = {
  ...marketEvents,
  ...modelEvents,
  ...paperEvents,
  ...settingsEvents,
} as const;

export type CallName = keyof typeof calls;
export type EventTopic = keyof typeof events;
/** What a caller passes (defaults not yet applied). */
export type CallParams<M extends CallName> = z.input<(typeof calls)[M]['params']>;
/** What a handler receives (after validation and defaults). */
export type HandlerParams<M extends CallName> = z.output<(typeof calls)[M]['params']>;
export type CallResult<M extends CallName> = z.output<(typeof calls)[M]['result']>;
export type EventPayload<T extends EventTopic> = z.output<(typeof events)[T]>;

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}

export type { Settings } from './contract/settings';
export { DEFAULT_SETTINGS, SettingsSchema } from './contract/settings';
export type { SeriesCoverage } from './contract/market';

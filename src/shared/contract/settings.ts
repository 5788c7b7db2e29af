// Settings and job control.
import { z } from 'zod';
import { FeedSchema, IntervalSchema, SymbolSchema } from '../domain';
import { CostsSchema, DEFAULT_COSTS, DEFAULT_RISK, RiskSchema } from './backtest';
import { HttpUrlSchema, WsUrlSchema } from './market';

export const SettingsSchema = z.object({
  /** 'bybit' (mainnet), 'bybit-testnet', 'simulator' (embedded), or a custom feed with URLs. */
  feed: FeedSchema,
  symbols: z.array(SymbolSchema).min(1).max(20),
  interval: IntervalSchema,
  /** For a custom feed: where its REST and websocket endpoints are. */
  restUrl: HttpUrlSchema.nullable(),
  wsUrl: WsUrlSchema.nullable(),
  /** Stream on start-up. */
  autoStream: z.boolean(),
  theme: z.enum(['dark', 'light']),
  /** Trading costs of paper trading and the default of new backtests. */
  costs: CostsSchema,
  /** Risk limits of paper trading and the default of new backtests. */
  risk: RiskSchema,
  /** The trained model paper trading uses with strategy 'model'; null: the newest matching one. */
  activeModelId: z.string().min(1).max(80).nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The paper account's default drawdown kill switch: a fraction of the peak equity. */
export const PAPER_KILL_DRAWDOWN = 0.25;

export const DEFAULT_SETTINGS: Settings = {
  feed: 'bybit',
  symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'],
  interval: '60',
  restUrl: null,
  wsUrl: null,
  autoStream: true,
  theme: 'dark',
  costs: DEFAULT_COSTS,
  // Paper trading stops a losing account at 25% drawdown unless the user turns it off (1 = off);
  // a backtest takes its own limits.
  risk: { ...DEFAULT_RISK, killDrawdown: PAPER_KILL_DRAWDOWN },
  activeModelId: null,
};

export const settingsCalls = {
  'settings.get': {
    params: z.object({}).strict(),
    result: SettingsSchema,
  },
  'settings.set': {
    params: SettingsSchema.partial().strict(),
    result: SettingsSchema,
  },
  'job.cancel': {
    params: z.object({ jobId: z.string().min(1).max(80) }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
} as const;

export const settingsEvents = {
  /** The settings in force after a change (by any client, or a run-only override such as the offline fallback). */
  'settings.changed': SettingsSchema,
} as const;

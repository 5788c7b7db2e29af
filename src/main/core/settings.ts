// The settings in force for this run, in three layers: DEFAULT_SETTINGS, what the user saved (the
// settings table), and run-only overrides a host applies (`--demo`, the offline fallback). A user's
// change always wins over an override of the same group, and only user changes are persisted.
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/contract';
import { CoreError } from '../../shared/errors';

/** What the store offers (store/settings.repo.ts); values are JSON. */
export interface SettingsStorage {
  all(): Record<string, unknown>;
  set(key: string, value: unknown): void;
}

/** Keys that only make sense together: choosing a feed also chooses (or clears) its URLs. */
const FEED_GROUP: readonly (keyof Settings)[] = ['feed', 'restUrl', 'wsUrl'];
/** Keys whose change means a running stream must restart. */
export const STREAM_KEYS: readonly (keyof Settings)[] = ['feed', 'symbols', 'interval', 'restUrl', 'wsUrl'];

export class SettingsService {
  private saved: Partial<Settings>;
  private overrides: Partial<Settings>;

  constructor(
    private readonly storage: SettingsStorage,
    overrides: Partial<Settings> = {},
  ) {
    this.saved = readSaved(storage);
    this.overrides = { ...overrides };
  }

  /** The settings in force. */
  current(): Settings {
    return { ...DEFAULT_SETTINGS, ...this.saved, ...this.overrides };
  }

  /** What the user saved, key by key (a key missing here was never chosen by the user). */
  savedByUser(): Partial<Settings> {
    return { ...this.saved };
  }

  /** Run-only settings; never persisted. */
  override(patch: Partial<Settings>): Settings {
    const next = validate({ ...this.current(), ...patch });
    this.overrides = { ...this.overrides, ...patch };
    return next;
  }

  /**
   * A user's change: validated against the whole settings object, persisted key by key, and it
   * lifts any run-only override of the same keys (of the whole feed group when the feed changes).
   */
  update(patch: Partial<Settings>): {
    settings: Settings;
    changed: (keys: readonly (keyof Settings)[]) => boolean;
  } {
    const before = this.current();
    const lifted = new Set<keyof Settings>(Object.keys(patch) as (keyof Settings)[]);
    if ('feed' in patch) for (const key of FEED_GROUP) lifted.add(key);
    const overrides = { ...this.overrides };
    for (const key of lifted) delete overrides[key];
    // A feed chosen without URLs reads from its own well-known endpoints, not the previous feed's.
    const userPatch: Partial<Settings> = { ...patch };
    if ('feed' in patch && patch.feed !== before.feed) {
      if (!('restUrl' in patch)) userPatch.restUrl = null;
      if (!('wsUrl' in patch)) userPatch.wsUrl = null;
    }
    const next = validate({ ...DEFAULT_SETTINGS, ...this.saved, ...userPatch, ...overrides });
    for (const [key, value] of Object.entries(userPatch)) this.storage.set(key, value);
    this.saved = { ...this.saved, ...userPatch };
    this.overrides = overrides;
    return {
      settings: next,
      changed: (keys) => keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key])),
    };
  }
}

function validate(candidate: unknown): Settings {
  const parsed = SettingsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new CoreError('INVALID_PARAMS', `Invalid settings: ${summary}`, { issues });
}

/** Saved values that no longer fit the schema (an older version wrote them) fall back to defaults. */
function readSaved(storage: SettingsStorage): Partial<Settings> {
  const saved: Record<string, unknown> = {};
  const shape = SettingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const [key, value] of Object.entries(storage.all())) {
    const field = shape[key];
    if (field && field.safeParse(value).success) saved[key] = value;
    else console.warn(`settings: ignoring saved '${key}', it is not valid any more`);
  }
  return saved as Partial<Settings>;
}

// Settings calls: the settings in force, and saving a change. A save sends only the keys that
// changed, so that run-only values (demo mode's simulator feed) are not turned into saved choices.
import { useCallback, useEffect, useState } from 'react';
import type { Settings } from '../../../shared/contract';
import type { CoreError } from '../../../shared/errors';
import { useCoreConnection } from './CoreProvider';
import { toCoreError } from './data';
import { useCall, useEvent } from './hooks';

export interface SettingsState {
  settings: Settings | undefined;
  loadError: CoreError | null;
  /** Saves `patch`; resolves with the settings in force afterwards, rejects with a CoreError. */
  save(patch: Partial<Settings>): Promise<Settings>;
  reload(): void;
}

export function useSettings(): SettingsState {
  const { client } = useCoreConnection();
  const loaded = useCall('settings.get', {});
  const [saved, setSaved] = useState<Settings | undefined>(undefined);
  // A fresh read (a reload, a reconnection) replaces what the last save answered.
  useEffect(() => setSaved(undefined), [loaded.data]);

  const save = useCallback(
    async (patch: Partial<Settings>) => {
      try {
        const next = await client.call('settings.set', patch);
        setSaved(next);
        return next;
      } catch (error) {
        throw toCoreError(error);
      }
    },
    [client],
  );

  return { settings: saved ?? loaded.data, loadError: loaded.error, save, reload: loaded.reload };
}

/** CoreError INVALID_PARAMS issues by field path ('symbols', 'costs.feeRate'); the first message wins. */
export function issuesByField(error: CoreError): Record<string, string> {
  const details = error.details as { issues?: unknown } | undefined;
  const fields: Record<string, string> = {};
  if (!Array.isArray(details?.issues)) return fields;
  for (const issue of details.issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue;
    // A list member's issue ('symbols.2') is shown at its list's field.
    const path = issue.path.replace(/\.\d+$/, '');
    fields[path] ??= issue.message;
  }
  return fields;
}

/**
 * The settings in force, kept current: read once, then followed through settings.changed (a save in
 * the Settings view, another client, a run-only override). Undefined until the first read answers.
 */
export function useSettingsInForce(): Settings | undefined {
  const loaded = useCall('settings.get', {});
  const [pushed, setPushed] = useState<Settings | undefined>(undefined);
  useEvent('settings.changed', setPushed);
  // A fresh read (a reconnection) replaces what an earlier event said.
  useEffect(() => setPushed(undefined), [loaded.data]);
  return pushed ?? loaded.data;
}

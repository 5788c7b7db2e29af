// Settings: feed, symbols, interval, costs, risk limits, start-up and theme in one form. Checks run as
// the user types (the message sits at the field); Save sends only what changed, and the core's own
// refusals (INVALID_PARAMS issues) land at the field their path names.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/contract';
import { toCoreError } from '../api/data';
import { readStored, removeStored, writeStored } from '../api/drafts';
import { issuesByField, useSettings } from '../api/settings';
import { CostFields, RiskFields } from '../components/settings/CostRiskFields';
import { FeedFields } from '../components/settings/FeedFields';
import {
  changedSettings,
  fromDraft,
  toDraft,
  type FieldErrors,
  type SettingsDraft,
} from '../components/settings/settings-draft';
import './settings.css';

const DRAFT_KEY = 'draft.settings';

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; keys: string[] }
  | { kind: 'failed'; message: string };

export function SettingsView() {
  const { settings, loadError, save } = useSettings();
  // An unsaved draft is kept in storage: leaving the view or reloading does not lose it.
  const [draft, setDraft] = useState<SettingsDraft | null>(() =>
    readStored<SettingsDraft | null>(DRAFT_KEY, null),
  );
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });

  // The form starts from the settings in force; later reads do not overwrite what the user is typing.
  useEffect(() => {
    if (settings && draft === null) setDraft(toDraft(settings));
  }, [settings, draft]);

  const checked = useMemo(() => (draft && settings ? fromDraft(draft, settings) : null), [draft, settings]);
  const patch = useMemo(
    () => (checked?.settings && settings ? changedSettings(settings, checked.settings) : {}),
    [checked, settings],
  );
  // Kept while it differs from the settings in force (or does not parse yet); dropped once saved or discarded.
  const unsaved =
    checked !== null && (Object.keys(patch).length > 0 || Object.keys(checked.errors).length > 0);
  useEffect(() => {
    if (draft === null || !settings) return;
    if (unsaved) writeStored(DRAFT_KEY, draft);
    else removeStored(DRAFT_KEY);
  }, [draft, settings, unsaved]);

  if (!settings || !draft || !checked) {
    return (
      <div className="view-message">
        {loadError ? `Cannot read the settings: ${loadError.message}` : 'Loading settings…'}
      </div>
    );
  }

  const errors: FieldErrors = { ...serverErrors, ...checked.errors };
  const invalidCount = Object.keys(errors).length;
  const dirty = Object.keys(patch).length > 0;

  const change = (next: Partial<SettingsDraft>) => {
    setDraft({ ...draft, ...next });
    setServerErrors({});
    if (saveState.kind !== 'saving') setSaveState({ kind: 'idle' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checked.settings || !dirty) return;
    setSaveState({ kind: 'saving' });
    try {
      const next: Settings = await save(patch);
      setDraft(toDraft(next, draft.feeUnit));
      setSaveState({ kind: 'saved', keys: Object.keys(patch) });
    } catch (error) {
      const coreError = toCoreError(error);
      setServerErrors(issuesByField(coreError));
      setSaveState({ kind: 'failed', message: coreError.message });
    }
  };

  return (
    <form className="settings-view" onSubmit={submit} noValidate data-testid="settings-form">
      <div className="settings-view__sections">
        <FeedFields draft={draft} errors={errors} onChange={change} />
        <CostFields draft={draft} errors={errors} onChange={change} />
        <RiskFields draft={draft} errors={errors} onChange={change} />
      </div>
      <footer className="settings-view__footer form-actions">
        <button
          type="submit"
          className="form-button form-button--primary"
          disabled={!dirty || invalidCount > 0 || saveState.kind === 'saving'}
          data-testid="settings-save"
        >
          {saveState.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="form-button"
          disabled={!dirty && invalidCount === 0}
          data-testid="settings-discard"
          onClick={() => {
            if (!window.confirm('Discard your unsaved changes to the settings?')) return;
            setDraft(toDraft(settings, draft.feeUnit));
            setServerErrors({});
            setSaveState({ kind: 'idle' });
          }}
        >
          Discard changes
        </button>
        <SaveMessage state={saveState} invalidCount={invalidCount} dirty={dirty} />
      </footer>
    </form>
  );
}

function SaveMessage({
  state,
  invalidCount,
  dirty,
}: {
  state: SaveState;
  invalidCount: number;
  dirty: boolean;
}) {
  let text: string;
  let tone = '';
  if (state.kind === 'failed') {
    text = `Not saved: ${state.message}`;
    tone = ' is-bad';
  } else if (invalidCount > 0) {
    text = `${invalidCount} field${invalidCount > 1 ? 's need' : ' needs'} fixing; nothing is saved until then.`;
    tone = ' is-bad';
  } else if (state.kind === 'saved') {
    text = `Saved (${state.keys.join(', ')}).`;
    tone = ' is-good';
  } else if (dirty) {
    text = 'Unsaved changes. A new feed, symbols or interval restarts a running stream.';
  } else {
    text = 'The settings in force.';
  }
  return (
    <span className={`form-message${tone}`} data-testid="settings-status" role="status">
      {text}
    </span>
  );
}

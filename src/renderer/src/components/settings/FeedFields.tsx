// Where candles come from: the feed (or a custom one with its URLs), the symbols, the interval, and
// whether the stream starts with the app; plus the window's theme.
import { INTERVALS } from '../../../../shared/domain';
import { formatInterval } from '../../format';
import { FormField, FormSection } from './FormField';
import { FEED_CHOICES, type FeedChoice, type FieldErrors, type SettingsDraft } from './settings-draft';

interface Props {
  draft: SettingsDraft;
  errors: FieldErrors;
  onChange: (patch: Partial<SettingsDraft>) => void;
}

export function FeedFields({ draft, errors, onChange }: Props) {
  const custom = draft.feedChoice === 'custom';
  return (
    <FormSection title="Market data">
      <FormField fieldKey="feed" label="Feed" error={custom ? undefined : errors.feed}>
        {(control) => (
          <select
            {...control}
            data-testid="settings-feed"
            value={draft.feedChoice}
            onChange={(event) => onChange({ feedChoice: event.target.value as FeedChoice })}
          >
            {FEED_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField fieldKey="interval" label="Interval" error={errors.interval}>
        {(control) => (
          <select
            {...control}
            value={draft.interval}
            onChange={(event) => onChange({ interval: event.target.value as SettingsDraft['interval'] })}
          >
            {INTERVALS.map((interval) => (
              <option key={interval} value={interval}>
                {formatInterval(interval)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField
        fieldKey="symbols"
        label="Symbols"
        error={errors.symbols}
        hint="Comma-separated, up to 20, e.g. BTCUSDT, ETHUSDT"
        wide
      >
        {(control) => (
          <input
            {...control}
            type="text"
            spellCheck={false}
            autoCapitalize="characters"
            value={draft.symbols}
            onChange={(event) => onChange({ symbols: event.target.value })}
          />
        )}
      </FormField>
      {custom && (
        <>
          {/* The custom feed's name is what its candles are stored under. */}
          <FormField fieldKey="feed" controlId="field-feed-name" label="Custom feed name" error={errors.feed}>
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                placeholder="my-exchange"
                value={draft.customFeed}
                onChange={(event) => onChange({ customFeed: event.target.value })}
              />
            )}
          </FormField>
          <FormField fieldKey="restUrl" label="REST URL" error={errors.restUrl}>
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                placeholder="https://api.example.com"
                value={draft.restUrl}
                onChange={(event) => onChange({ restUrl: event.target.value })}
              />
            )}
          </FormField>
          <FormField fieldKey="wsUrl" label="WebSocket URL" error={errors.wsUrl}>
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                placeholder="wss://stream.example.com/v5/public/linear"
                value={draft.wsUrl}
                onChange={(event) => onChange({ wsUrl: event.target.value })}
              />
            )}
          </FormField>
        </>
      )}
      <FormField fieldKey="autoStream" label="Start-up" error={errors.autoStream}>
        {(control) => (
          <label className="form-check">
            <input
              {...control}
              type="checkbox"
              checked={draft.autoStream}
              onChange={(event) => onChange({ autoStream: event.target.checked })}
            />
            Stream when the app starts
          </label>
        )}
      </FormField>
      <FormField fieldKey="theme" label="Theme" error={errors.theme}>
        {(control) => (
          <select
            {...control}
            value={draft.theme}
            onChange={(event) => onChange({ theme: event.target.value as SettingsDraft['theme'] })}
          >
            <option value="dark">Dark</option>
            <option value="light">Light</option>
          </select>
        )}
      </FormField>
    </FormSection>
  );
}

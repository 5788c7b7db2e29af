// Trading costs and risk limits: what paper trading uses and what new backtests start from. The fee
// is typed in % or bps and stored as a fraction of notional.
import { FormField, FormSection } from './FormField';
import { NumberField } from './NumberField';
import {
  FEE_UNIT_FRACTION,
  showNumber,
  type FeeUnit,
  type FieldErrors,
  type SettingsDraft,
} from './settings-draft';

interface Props {
  draft: SettingsDraft;
  errors: FieldErrors;
  onChange: (patch: Partial<SettingsDraft>) => void;
}

/** Re-expresses the typed fee in the other unit, so switching units never changes the fee itself. */
function convertFee(text: string, from: FeeUnit, to: FeeUnit): string {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return text;
  return showNumber((value * FEE_UNIT_FRACTION[from]) / FEE_UNIT_FRACTION[to]);
}

export function CostFields({ draft, errors, onChange }: Props) {
  return (
    <FormSection title="Trading costs">
      <NumberField
        fieldKey="costs.feeRate"
        label="Taker fee"
        hint="Bybit linear taker: 0.055 % = 5.5 bps"
        value={draft.fee}
        error={errors['costs.feeRate']}
        onChange={(fee) => onChange({ fee })}
        unitControl={
          <select
            aria-label="Fee unit"
            data-testid="settings-fee-unit"
            value={draft.feeUnit}
            onChange={(event) => {
              const unit = event.target.value as FeeUnit;
              onChange({ feeUnit: unit, fee: convertFee(draft.fee, draft.feeUnit, unit) });
            }}
          >
            <option value="pct">%</option>
            <option value="bps">bps</option>
          </select>
        }
      />
      <NumberField
        fieldKey="costs.slippageBps"
        label="Slippage"
        unit="bps"
        value={draft.slippageBps}
        error={errors['costs.slippageBps']}
        onChange={(slippageBps) => onChange({ slippageBps })}
      />
      <NumberField
        fieldKey="costs.volatilityMultiplier"
        label="Volatility slippage"
        unit="× σ"
        hint="0 turns it off"
        value={draft.volatilityMultiplier}
        error={errors['costs.volatilityMultiplier']}
        onChange={(volatilityMultiplier) => onChange({ volatilityMultiplier })}
      />
      <NumberField
        fieldKey="costs.volatilityWindow"
        label="Volatility window"
        unit="bars"
        value={draft.volatilityWindow}
        error={errors['costs.volatilityWindow']}
        onChange={(volatilityWindow) => onChange({ volatilityWindow })}
      />
    </FormSection>
  );
}

export function RiskFields({ draft, errors, onChange }: Props) {
  return (
    <FormSection title="Risk limits">
      <NumberField
        fieldKey="risk.maxWeight"
        label="Largest weight per asset"
        unit="×"
        value={draft.maxWeight}
        error={errors['risk.maxWeight']}
        onChange={(maxWeight) => onChange({ maxWeight })}
      />
      <NumberField
        fieldKey="risk.maxGross"
        label="Gross exposure"
        unit="×"
        value={draft.maxGross}
        error={errors['risk.maxGross']}
        onChange={(maxGross) => onChange({ maxGross })}
      />
      <NumberField
        fieldKey="risk.leverage"
        label="Leverage"
        unit="×"
        value={draft.leverage}
        error={errors['risk.leverage']}
        onChange={(leverage) => onChange({ leverage })}
      />
      <NumberField
        fieldKey="risk.killDrawdown"
        label="Kill switch drawdown"
        unit="%"
        hint="100 % turns it off"
        value={draft.killDrawdownPct}
        error={errors['risk.killDrawdown']}
        onChange={(killDrawdownPct) => onChange({ killDrawdownPct })}
      />
      <NumberField
        fieldKey="risk.minTradeNotional"
        label="Smallest trade"
        unit="USDT"
        value={draft.minTradeNotional}
        error={errors['risk.minTradeNotional']}
        onChange={(minTradeNotional) => onChange({ minTradeNotional })}
      />
      <NumberField
        fieldKey="risk.rebalanceThreshold"
        label="Rebalance past drift"
        unit="%"
        value={draft.rebalanceThresholdPct}
        error={errors['risk.rebalanceThreshold']}
        onChange={(rebalanceThresholdPct) => onChange({ rebalanceThresholdPct })}
      />
      <NumberField
        fieldKey="risk.noTradeBand"
        label="No-trade band"
        unit="round trips"
        hint="a weight change is traded only beyond this many round-trip costs"
        value={draft.noTradeBand}
        error={errors['risk.noTradeBand']}
        onChange={(noTradeBand) => onChange({ noTradeBand })}
      />
      <NumberField
        fieldKey="risk.cadenceBars"
        label="Rebalance every"
        unit="bars"
        value={draft.cadenceBars}
        error={errors['risk.cadenceBars']}
        onChange={(cadenceBars) => onChange({ cadenceBars })}
      />
      <FormField fieldKey="risk.allowShort" label="Short selling" error={errors['risk.allowShort']}>
        {(control) => (
          <label className="form-check">
            <input
              {...control}
              type="checkbox"
              checked={draft.allowShort}
              onChange={(event) => onChange({ allowShort: event.target.checked })}
            />
            Allow short positions
          </label>
        )}
      </FormField>
    </FormSection>
  );
}

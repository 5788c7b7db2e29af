// What a run assumed about the exchange: where each symbol's lot rules came from (exchange, simulator,
// user, derived) and whether funding was modelled; its notes ("funding not modelled: …") in plain words.
import type { RunMarketRules } from '../../../../shared/contract/backtest';

const SOURCE_TEXT: Record<string, string> = {
  exchange: 'from the exchange',
  simulator: "the simulator's table",
  user: 'given by the user',
  derived: 'derived from the price',
};

export function MarketRulesNote({ rules }: { rules: RunMarketRules | undefined }) {
  if (!rules) return null;
  const bySource = new Map<string, string[]>();
  for (const [symbol, source] of Object.entries(rules.instrumentsSource)) {
    bySource.set(source, [...(bySource.get(source) ?? []), symbol]);
  }
  const modelled = Object.entries(rules.fundingModelled)
    .filter(([, yes]) => yes)
    .map(([s]) => s);
  return (
    <div className="bt-run__notes" data-testid="backtest-market-rules">
      <span>
        Lot rules:{' '}
        {[...bySource]
          .map(([source, symbols]) => `${symbols.join(', ')} ${SOURCE_TEXT[source] ?? source}`)
          .join('; ')}
        . Funding modelled over the whole run for{' '}
        {modelled.length > 0 ? modelled.join(', ') : 'no symbol (see below)'}.
      </span>
      {rules.notes.map((note) => (
        <span key={note} className="bt-run__note" data-testid="backtest-market-note">
          {note}
        </span>
      ))}
    </div>
  );
}

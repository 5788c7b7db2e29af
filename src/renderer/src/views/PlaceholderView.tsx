// Views that later issues fill in (models, backtests, data, settings).
export function PlaceholderView({ name, plan }: { name: string; plan: string }) {
  return (
    <div className="view-message">
      <h2>{name}</h2>
      <p>{plan}</p>
    </div>
  );
}

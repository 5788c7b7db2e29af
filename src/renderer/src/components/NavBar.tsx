// The top bar: the product name and the views. Alt+1…5 switches views from the keyboard.
import { useEffect, type ReactNode } from 'react';

export const VIEWS = ['Live', 'Models', 'Backtests', 'Data', 'Settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export function NavBar({
  view,
  onChange,
  aside,
}: {
  view: ViewName;
  onChange: (view: ViewName) => void;
  /** Shown at the right end of the bar, on every view (the PAPER mark). */
  aside?: ReactNode;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const index = Number(event.key) - 1;
      if (event.altKey && VIEWS[index]) {
        event.preventDefault();
        onChange(VIEWS[index]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onChange]);

  return (
    <header className="top-bar">
      <span className="top-bar__brand">CrossDesk</span>
      <nav className="top-bar__nav" aria-label="Views">
        {VIEWS.map((name, i) => (
          <button
            key={name}
            type="button"
            className={`top-bar__tab${name === view ? ' is-active' : ''}`}
            aria-current={name === view ? 'page' : undefined}
            title={`Alt+${i + 1}`}
            onClick={() => onChange(name)}
          >
            {name}
          </button>
        ))}
      </nav>
      {aside}
    </header>
  );
}

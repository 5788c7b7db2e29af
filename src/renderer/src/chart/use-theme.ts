// The theme in force (<html data-theme>), followed as it changes, so that a chart drawn on a canvas
// (whose colours are read once, when it is made) can be made again in the new colours.
import { useEffect, useState } from 'react';

function currentTheme(): string {
  return typeof document === 'undefined' ? '' : (document.documentElement.dataset.theme ?? '');
}

export function useThemeName(): string {
  const [theme, setTheme] = useState(currentTheme);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(currentTheme()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

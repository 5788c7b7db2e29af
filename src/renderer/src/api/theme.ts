// Applies the saved theme to the page: <html data-theme="dark|light">, which styles.css keys on. It
// follows settings.changed, so a change saved in the Settings view (or by another client) shows at once.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../shared/contract';
import { useCall, useEvent } from './hooks';

export function useAppliedTheme(): Settings['theme'] {
  const saved = useCall('settings.get', {});
  const [pushed, setPushed] = useState<Settings['theme'] | null>(null);
  useEvent('settings.changed', (settings) => setPushed(settings.theme));
  const theme = pushed ?? saved.data?.theme ?? 'dark';
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}

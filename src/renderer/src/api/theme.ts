// Applies the saved theme to the page: <html data-theme="dark|light">, which styles.css keys on. It
// follows the settings in force, so a change saved in the Settings view (or by another client) shows at once.
import { useEffect } from 'react';
import type { Settings } from '../../../shared/contract';
import { useSettingsInForce } from './settings';

export function useAppliedTheme(): Settings['theme'] {
  const theme = useSettingsInForce()?.theme ?? 'dark';
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}

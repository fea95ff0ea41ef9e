import { useEffect, useLayoutEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'flamelens.theme';

export interface Theme {
  choice: ThemeChoice;
  dark: boolean;
  setChoice: (c: ThemeChoice) => void;
}

/**
 * Light, dark or the system's: a per-browser choice, kept in localStorage (not in the URL). The
 * page's root element always carries the theme in use (`data-theme="light"` or `"dark"`, the
 * system's resolved), so that app.css has one set of dark colors and the canvas views agree with it.
 */
export function useTheme(): Theme {
  const [choice, setChoice] = useState<ThemeChoice>(() => {
    const v = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    return v === 'light' || v === 'dark' ? v : 'system';
  });
  const media = typeof window !== 'undefined' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
  const [systemDark, setSystemDark] = useState(media?.matches ?? false);
  useEffect(() => {
    if (!media) return;
    const on = () => setSystemDark(media.matches);
    media.addEventListener('change', on);
    return () => media.removeEventListener('change', on);
  }, [media]);
  const dark = choice === 'dark' || (choice === 'system' && systemDark);
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
  useEffect(() => {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  }, [choice]);
  return { choice, dark, setChoice };
}

export function ThemeToggle({ theme }: { theme: Theme }) {
  return (
    <select
      data-testid="theme"
      aria-label="Theme"
      value={theme.choice}
      onChange={(e) => theme.setChoice(e.target.value as ThemeChoice)}
    >
      <option value="system">System theme</option>
      <option value="light">Light</option>
      <option value="dark">Dark</option>
    </select>
  );
}

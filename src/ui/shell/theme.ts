/** Light, dark, or whatever the system prefers (the default); the choice is kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const key = 'hearth:theme';

export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(key);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The stylesheet in index.html reads `data-theme`; without it `prefers-color-scheme` decides. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    document.documentElement.removeAttribute('data-theme');
    localStorage.removeItem(key);
  } else {
    document.documentElement.dataset.theme = choice;
    localStorage.setItem(key, choice);
  }
}

export function effectiveTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

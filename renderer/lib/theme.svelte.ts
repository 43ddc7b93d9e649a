/**
 * Light/dark theme: follows prefers-color-scheme until the user picks one, and remembers the pick.
 * The choice is a `data-theme` attribute on <html>; the CSS variables do the rest.
 */

/** 'system' follows the OS setting. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const storageKey = 'crashdeck.theme';

/** The theme in use and the user's choice. */
export class Theme {
  choice = $state<ThemeChoice>('system');
  systemDark = $state(false);
  readonly effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    const saved = readSaved();
    if (saved) this.choice = saved;
    const mq = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
    if (mq) {
      this.systemDark = mq.matches;
      mq.addEventListener('change', (e) => (this.systemDark = e.matches));
    }
  }

  /** Switch to the other theme than the one showing (the header toggle). */
  toggle(): void {
    this.set(this.effective === 'dark' ? 'light' : 'dark');
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, choice);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
  }
}

function readSaved(): ThemeChoice | null {
  try {
    const v = localStorage.getItem(storageKey);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

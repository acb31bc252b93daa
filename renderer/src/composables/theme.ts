/** Light by default; the dark theme is a choice remembered on this machine. */
import { ref } from 'vue';

export type Theme = 'light' | 'dark';
const THEME_KEY = 'cosmo-studio.theme';

export const theme = ref<Theme>('light');

export function applyStoredTheme(): void {
  setTheme(localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light');
}

export function setTheme(next: Theme): void {
  theme.value = next;
  document.documentElement.dataset.theme = next;
  localStorage.setItem(THEME_KEY, next);
}

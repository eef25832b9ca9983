// Tests switch languages synchronously: the English words are loaded before any test runs.
import { loadLang } from './i18n';

await loadLang('en');

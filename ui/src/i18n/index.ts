// Translations: Spanish by default, English on request; the choice is kept in localStorage.
import { useFollow } from '../follow';
import es from './es.json';

export type Lang = 'es' | 'en';
export type Dict = Record<string, string>;

/**
 * The words of each language. English is its own file, fetched when it is wanted (loadLang), so
 * a first visit in Spanish on a slow phone does not download it.
 */
export const dictionaries: Record<Lang, Dict> = { es, en: {} };
const loaded = new Set<Lang>(['es']);
export const LANG_KEY = 'alianza.lang';

/** loadLang fetches language l's words once; until they arrive t() answers in Spanish. */
export async function loadLang(l: Lang): Promise<void> {
  if (loaded.has(l)) return;
  const m = await import('./en.json');
  dictionaries.en = m.default;
  loaded.add('en');
}

/**
 * browserLang is the first of the browser's languages the app speaks; Spanish when none is.
 * Only a first visit follows it: once the person picks a language, that choice is kept.
 */
export function browserLang(langs: readonly string[] = globalThis.navigator?.languages ?? []): Lang {
  for (const l of langs) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'es';
}

function initialLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(LANG_KEY);
    if (v === 'en' || v === 'es') return v;
  } catch {
    /* storage may be blocked */
  }
  return browserLang();
}

let current: Lang = initialLang();
const listeners = new Set<(l: Lang) => void>();

export function getLang(): Lang {
  return current;
}

/**
 * setLang switches the language, remembers it and re-renders subscribers: at once when its
 * words are here, else once they are fetched (offline and never fetched: it stays as it is).
 */
export function setLang(l: Lang): void {
  if (!loaded.has(l)) {
    loadLang(l).then(() => setLang(l), () => undefined);
    return;
  }
  current = l;
  try {
    globalThis.localStorage?.setItem(LANG_KEY, l);
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  listeners.forEach((fn) => fn(l));
}

/** interpolate replaces {name} placeholders with values. */
export function interpolate(s: string, params?: Record<string, string | number>): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** t translates a key in the current language, falling back to Spanish, then to the key. */
export function t(key: string, params?: Record<string, string | number>): string {
  const s = dictionaries[current][key] ?? dictionaries.es[key] ?? key;
  return interpolate(s, params);
}

const plurals = new Map<Lang, Intl.PluralRules>();

/**
 * tn translates a count: key.one or key.other by the language's plural rules
 * (Intl.PluralRules), with {n} set to the count. "1 resultado", "2 resultados".
 */
export function tn(key: string, n: number, params?: Record<string, string | number>): string {
  let rules = plurals.get(current);
  if (!rules) {
    rules = new Intl.PluralRules(current === 'es' ? 'es-PE' : 'en-US');
    plurals.set(current, rules);
  }
  const form = rules.select(n);
  const k = `${key}.${form}`;
  return t(k in dictionaries[current] || k in dictionaries.es ? k : `${key}.other`, { n, ...params });
}

/** te translates an enum value ("stance.champion"), falling back to the raw value. */
export function te(group: string, value: string | undefined | null): string {
  if (!value) return '';
  const key = `${group}.${value}`;
  const s = dictionaries[current][key] ?? dictionaries.es[key];
  return s ?? value;
}

/** useLang re-renders the calling component when the language changes. */
export function useLang(): Lang {
  return useFollow(listeners, current);
}

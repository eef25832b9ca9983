import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultEnums, RELATIONSHIP_KINDS } from '../enums';
import en from './en.json';
import es from './es.json';
import { interpolate, setLang, t, te, tn } from './index';

const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('translations', () => {
  const esKeys = Object.keys(es).sort();
  const enKeys = Object.keys(en).sort();

  it('have the same keys in Spanish and English', () => {
    expect(esKeys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter((k) => !(k in es))).toEqual([]);
  });

  it('have no empty strings', () => {
    const empty = [...Object.entries(es), ...Object.entries(en)].filter(([, v]) => !String(v).trim()).map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const bad = esKeys.filter((k) => placeholders((es as Record<string, string>)[k]) !== placeholders((en as Record<string, string>)[k]));
    expect(bad).toEqual([]);
  });

  it('cover every key used in the source', () => {
    const root = join(import.meta.dirname, '..');
    const used = new Set<string>();
    for (const f of sources(root)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-z_]+\.[a-z0-9_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/'(validation\.[a-z_]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\btn\('([a-z_]+\.[a-z0-9_.]+)'/g)) used.add(`${m[1]}.other`);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in es))).toEqual([]);
  });

  it('cover every enum value', () => {
    const groups: [string, string[]][] = [
      ['kind', defaultEnums.stakeholder_kinds],
      ['stance', defaultEnums.stances],
      ['influence', defaultEnums.influences],
      ['chamber', defaultEnums.chambers],
      ['meeting_kind', defaultEnums.meeting_kinds],
      ['topic', defaultEnums.topics],
      ['ctype', defaultEnums.commitment_types],
      ['status', defaultEnums.commitment_statuses],
      ['mstatus', [...defaultEnums.message_statuses, 'failed']],
      ['role', defaultEnums.roles],
      ['rel', RELATIONSHIP_KINDS],
      ['rel_in', RELATIONSHIP_KINDS],
      ['timeline', ['meeting', 'commitment', 'status_change', 'task', 'message', 'initiative', 'stage_change']],
      ['mail', ['queue_new', 'queue_follow_up', 'queue_unmatched', 'queue_awaiting_reply', 'queue_all', 'queue_addresses']],
      ['admin', ['users', 'mailboxes', 'import']],
    ];
    const missing = groups.flatMap(([g, vals]) => vals.map((v) => `${g}.${v}`)).filter((k) => !(k in es));
    expect(missing).toEqual([]);
  });
});

// The wording rules of the Spanish catalog (issue 22): tú throughout, opening question and
// exclamation marks, and a number of things always said through tn() so "1 resultados" cannot come back.
describe('Spanish wording', () => {
  const entries = Object.entries(es as Record<string, string>);

  it('speaks tú, never usted', () => {
    const usted = /\b(usted|ustedes|Indique|Escriba|Seleccione|Ingrese|Elija|Revise|Intente|Inténtelo|Vuelva|Cuente|Agregue|Pulse|Haga|Espere|Pida|Guarde|Descargue|Escanee|Active|Recargue|avisarle|No tiene avisos)\b/;
    expect(entries.filter(([, v]) => usted.test(v)).map(([k]) => k)).toEqual([]);
    // "Su"/"su" about the reader (their calendar, their session); "su" about a record is fine.
    expect(entries.filter(([, v]) => /\b[Ss]u (calendario|sesión|cuenta|perfil|contraseña actual)\b/.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('opens every question and exclamation', () => {
    const bad = entries.filter(([, v]) => (v.match(/\?/g) ?? []).length > (v.match(/¿/g) ?? []).length || (v.match(/!/g) ?? []).length > (v.match(/¡/g) ?? []).length);
    expect(bad.map(([k]) => k)).toEqual([]);
  });

  it('counts things only through tn(): no "(s)" and no number before a plural noun outside a plural key', () => {
    const plural = /\{\w+\} (resultados|mensajes|reuniones|compromisos|tareas|personas|filas|actores|mujeres|hombres|capacitaciones|horas|días|minutos)\b/;
    const bad = entries.filter(([k, v]) => /\w\((s|es)\)/.test(v) || (plural.test(v) && !/\.(one|other|few|many)$/.test(k)));
    expect(bad.map(([k]) => k)).toEqual([]);
  });

  it('gives every plural key its "other" form in both languages', () => {
    const all = { ...(en as Record<string, string>), ...(es as Record<string, string>) };
    const forms = Object.keys(all).filter((k) => /\.(one|few|many)$/.test(k) && all[k].includes('{n}')).map((k) => k.replace(/\.\w+$/, '.other'));
    expect(forms.filter((k) => !(k in es) || !(k in en))).toEqual([]);
  });

  it('names the counts of a summary in the right number', () => {
    setLang('es');
    expect(t('data.erased', { meetings: tn('count.meetings', 1), commitments: tn('count.commitments', 2), tasks: tn('count.tasks', 0), messages: tn('count.messages', 1), stakeholders: tn('count.other_stakeholders', 1) })).toBe(
      'Borrado: se cambiaron 1 reunión, 2 compromisos, 0 tareas, 1 mensaje y 1 otro actor.',
    );
    setLang('en');
    expect(t('mail.linked_count', { m: tn('count.meetings', 1), c: tn('count.commitments', 3) })).toBe('Linked to 1 meeting and 3 commitments.');
    setLang('es');
  });
});

describe('t', () => {
  it('switches language and interpolates', () => {
    setLang('en');
    expect(t('error.rate_limited_in', { n: 5 })).toBe('Too many attempts. Try again in 5 s.');
    expect(localStorage.getItem('alianza.lang')).toBe('en');
    setLang('es');
    expect(t('nav.home')).toBe('Inicio');
    expect(te('status', 'fulfilled')).toBe('Cumplido');
    expect(te('status', 'mystery')).toBe('mystery');
    expect(t('no.such.key')).toBe('no.such.key');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('plurals', () => {
  it('pick one or other by Intl.PluralRules, in each language', () => {
    setLang('es');
    expect(tn('offline.sent', 1)).toBe('Enviada la reunión que esperaba en este dispositivo:');
    expect(tn('offline.sent', 2)).toBe('Enviadas las 2 reuniones que esperaban en este dispositivo:');
    setLang('en');
    expect(tn('offline.sent', 3)).toBe('Sent: the 3 meetings that waited on this device:');
    setLang('es');
  });
});

describe('first visit', () => {
  it("follows the browser's first language the app speaks, Spanish otherwise", async () => {
    const { browserLang } = await import('./index');
    expect(browserLang(['en-US', 'es'])).toBe('en');
    expect(browserLang(['fr-FR', 'es-PE'])).toBe('es');
    expect(browserLang(['de'])).toBe('es');
    expect(browserLang([])).toBe('es');
  });
});

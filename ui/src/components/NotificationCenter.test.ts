import { describe, expect, it } from 'vitest';
import { setLang } from '../i18n';
import { notificationText } from './NotificationCenter';

describe('notification lines', () => {
  it('says what, which record and, for a status change, the new status and who', () => {
    setLang('es');
    expect(notificationText({ kind: 'due_today', entity: 'commitment', id: '1', title: 'Rosa: informe', at: '', path: '/commitments/1' })).toBe('Vence hoy · Compromiso: Rosa: informe');
    expect(notificationText({ kind: 'status_changed', entity: 'commitment', id: '1', title: 'Rosa: informe', status: 'fulfilled', by: 'Ana', at: '', path: '' })).toBe(
      'Cambio de estado · Compromiso: Rosa: informe → Cumplido (Ana)',
    );
    setLang('en');
    expect(notificationText({ kind: 'overdue', entity: 'task', id: '2', title: 'Send minutes', at: '', path: '/' })).toBe('Overdue · Task: Send minutes');
    setLang('es');
  });

  it('names the new stage of an initiative someone else moved', () => {
    setLang('es');
    const meta = { kinds: [{ code: 'bill', name_es: 'Proyecto de ley', name_en: 'Bill', stages: [{ code: 'in_committee', name_es: 'En comisión', name_en: 'In committee' }] }], roles: [] };
    const n = { kind: 'stage_changed', entity: 'initiative', id: '3', title: 'Ley de refugios', status: 'in_committee', by: 'Ana', at: '', path: '/initiatives/3' };
    expect(notificationText(n, meta)).toBe('Cambio de etapa · Iniciativa: Ley de refugios → En comisión (Ana)');
    // Before the kinds arrive, the code stands in.
    expect(notificationText(n)).toBe('Cambio de etapa · Iniciativa: Ley de refugios → in_committee (Ana)');
  });
});

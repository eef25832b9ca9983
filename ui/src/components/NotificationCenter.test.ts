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
});

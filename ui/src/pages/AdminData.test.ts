import { describe, expect, it } from 'vitest';
import { setLang } from '../i18n';
import { dataRows } from './AdminData';

describe('Admin → Datos', () => {
  it('names the data as people know it and sums the system’s own collections', () => {
    setLang('es');
    const rows = dataRows([
      { name: 'stakeholders', documents: 39 },
      { name: 'refresh_tokens', documents: 5 },
      { name: 'idempotency', documents: 7 },
      { name: 'message_bodies', documents: 6 },
      { name: 'messages', documents: 6 },
    ]);
    expect(rows[0]).toEqual({ key: 'stakeholders', label: 'Actores (personas e instituciones)', documents: 39 });
    expect(rows.find((r) => r.key === 'messages')?.documents).toBe(6);
    expect(rows.find((r) => r.key === 'other')).toEqual({ key: 'other', label: 'Datos internos del sistema', documents: 12 });
    expect(rows.map((r) => r.label).join()).not.toMatch(/refresh_tokens|idempotency/);
  });
});

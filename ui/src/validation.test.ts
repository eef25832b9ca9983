import { describe, expect, it } from 'vitest';
import { isDay, splitList, validateLogin, validateMeeting, validateStakeholder, validateStatusChange, validateUser, type MeetingDraft } from './validation';

const base = (): MeetingDraft => ({
  starts_at: '2026-03-10T09:30',
  duration_min: '60',
  kind: 'in_person',
  region: '08',
  place: 'Cusco',
  participants: [
    { stakeholder_id: 'a', name: 'Ana', role: '' },
    { stakeholder_id: 'b', name: 'Beto', role: '' },
  ],
  topics: ['budget'],
  summary: 'Reunión sobre presupuesto',
  agreements: '',
  next_steps: '',
  commitments: [{ stakeholder_id: 'a', text: 'Presentar PL', type: 'legislative', due_on: '2026-04-30' }],
  tasks: [{ title: 'Enviar acta', due_on: '2026-03-12', assignee_id: 'u1' }],
});

describe('validateMeeting', () => {
  it('accepts a complete meeting', () => {
    expect(validateMeeting(base())).toEqual({});
  });
  it('names fields like the server does', () => {
    const m = base();
    m.summary = ' ';
    m.participants = [];
    m.commitments.push({ stakeholder_id: 'zzz', text: '', type: '', due_on: '2026-02-30' });
    m.tasks[0].title = '';
    expect(validateMeeting(m)).toEqual({
      summary: 'validation.required',
      participants: 'validation.participants',
      'commitments[0].stakeholder_id': 'validation.participant_only',
      'commitments[1].stakeholder_id': 'validation.participant_only',
      'commitments[1].text': 'validation.required',
      'commitments[1].type': 'validation.required',
      'commitments[1].due_on': 'validation.date',
      'tasks[0].title': 'validation.required',
    });
  });
  it('checks time, duration, kind and region', () => {
    const m = { ...base(), starts_at: '2026-03-10', duration_min: '-5', kind: '', region: '' };
    expect(Object.keys(validateMeeting(m)).sort()).toEqual(['duration_min', 'kind', 'region', 'starts_at']);
    expect(validateMeeting({ ...base(), duration_min: '' })).toEqual({});
    expect(validateMeeting({ ...base(), duration_min: '1.5' })).toHaveProperty('duration_min');
  });
});

describe('small validators', () => {
  it('isDay rejects impossible dates', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('26-1-1')).toBe(false);
  });
  it('login', () => {
    expect(validateLogin({ email: '', password: '' })).toEqual({ email: 'validation.required', password: 'validation.required' });
    expect(validateLogin({ email: 'ana@', password: 'x' })).toEqual({ email: 'validation.email' });
    expect(validateLogin({ email: 'ana@ong.pe', password: 'x' })).toEqual({});
  });
  it('stakeholder', () => {
    const ok = { kind: 'person', name: 'Ana', emails: 'ana@ong.pe, ana2@ong.pe', stance: 'unknown', influence: 'low', regions: [] };
    expect(validateStakeholder(ok)).toEqual({});
    expect(validateStakeholder({ ...ok, name: '', emails: 'ana@ong.pe; nope' })).toEqual({ name: 'validation.required', emails: 'validation.email' });
  });
  it('status change needs a new status and a note', () => {
    expect(validateStatusChange({ status: 'pending', note: '' }, 'pending')).toEqual({ status: 'validation.same_status', note: 'validation.required' });
    expect(validateStatusChange({ status: 'fulfilled', note: 'Aprobado en pleno' }, 'pending')).toEqual({});
  });
  it('user passwords have at least 12 characters', () => {
    const u = { email: 'a@b.pe', name: 'A', role: 'viewer', regions: ['08'], password: 'short' };
    expect(validateUser(u, true)).toEqual({ password: 'validation.password' });
    expect(validateUser({ ...u, password: '' }, false)).toEqual({});
    expect(validateUser({ ...u, password: 'long-enough-pass' }, true)).toEqual({});
    expect(validateUser({ ...u, regions: [] }, false)).toHaveProperty('regions');
  });
  it('splitList', () => {
    expect(splitList(' a, b;c\n\n d ')).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('the server limits each value of a list', () => {
  const sh = { kind: 'person', name: 'Rosa', emails: '', stance: 'unknown', influence: 'medium', regions: ['08'] };
  it('counts characters, as the server does', async () => {
    const { itemTooLong } = await import('./validation');
    const { limit } = await import('./limits');
    expect(limit('stakeholder.tag')).toBe(50);
    expect(itemTooLong(`corto, ${'ñ'.repeat(50)}`, 50)).toBe(false);
    expect(itemTooLong(`corto, ${'ñ'.repeat(51)}`, 50)).toBe(true);
  });
  it('marks the phones, tags and committees fields that hold a value too long', () => {
    expect(validateStakeholder({ ...sh, tags: `trata, ${'x'.repeat(51)}`, phones: '984 111 222' })).toEqual({ tags: 'validation.item_too_long' });
    expect(validateStakeholder({ ...sh, phones: '9'.repeat(51) })).toEqual({ phones: 'validation.item_too_long' });
    const committees = `Mujer, ${'c'.repeat(201)}`;
    expect(validateStakeholder({ ...sh, kind: 'legislator', committees })).toEqual({ 'legislator.committees': 'validation.item_too_long' });
    expect(validateStakeholder({ ...sh, committees })).toEqual({}); // only legislators send committees
  });
});

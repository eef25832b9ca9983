import { afterEach, describe, expect, it } from 'vitest';
import { addDays, formatDateTime, formatDay, limaLocalInput, limaLocalToISO, todayInLima } from './format';
import { setLang } from './i18n';

afterEach(() => setLang('es'));

describe('Lima time', () => {
  it('converts a Lima wall-clock time to UTC', () => {
    expect(limaLocalToISO('2026-03-10T09:30')).toBe('2026-03-10T14:30:00Z');
    expect(limaLocalToISO('2026-03-10T21:00')).toBe('2026-03-11T02:00:00Z');
    expect(limaLocalToISO('bad')).toBe('');
  });
  it('shows instants in Lima, whatever the machine zone', () => {
    const now = new Date('2026-03-11T02:00:00Z');
    expect(todayInLima(now)).toBe('2026-03-10');
    expect(limaLocalInput(now)).toBe('2026-03-10T21:00');
    setLang('en');
    expect(formatDateTime('2026-03-11T02:00:00Z')).toMatch(/Mar 10, 2026.*9:00\s?PM/);
  });
  it('shows a calendar date without shifting it', () => {
    setLang('en');
    expect(formatDay('2026-04-01')).toBe('Apr 1, 2026');
    expect(formatDay('')).toBe('');
  });
  it('adds days across month ends', () => {
    expect(addDays('2026-01-30', 3)).toBe('2026-02-02');
  });
});

describe('byDueDate', () => {
  it('puts the oldest due date first and undated items last, keeping ties in order', async () => {
    const { byDueDate } = await import('./format');
    const tasks = [{ id: 'a', due_on: '2026-12-14' }, { id: 'b', due_on: '2026-12-09' }, { id: 'c', due_on: '' }, { id: 'd', due_on: '2026-12-12' }, { id: 'e', due_on: '2026-12-14' }];
    expect(byDueDate(tasks).map((x) => x.id)).toEqual(['b', 'd', 'a', 'e', 'c']);
  });
});

describe('months and quarters read as such', () => {
  it('gives the whole year, never a two-digit one that reads as a day', async () => {
    const { formatMonth, formatQuarter } = await import('./format');
    setLang('es');
    expect(formatMonth('2026-12')).toMatch(/^Dic\.? 2026$/);
    expect(formatMonth('2026-12', true)).toBe('Diciembre de 2026');
    expect(formatQuarter('2026-Q4')).toBe('4.º trimestre de 2026');
    setLang('en');
    expect(formatMonth('2026-12', true)).toBe('December 2026');
    expect(formatQuarter('2026-Q4')).toBe('Q4 2026');
  });
});

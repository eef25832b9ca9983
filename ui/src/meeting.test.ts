import { describe, expect, it } from 'vitest';
import { farAhead } from './meeting';
import { calendarDays, monthRange, shiftMonth } from './pages/Meetings';

describe('meeting rules', () => {
  it('asks about dates more than a year ahead', () => {
    expect(farAhead('2027-11-29T10:00', '2026-11-29')).toBe(false);
    expect(farAhead('2027-12-01T10:00', '2026-11-29')).toBe(true);
    expect(farAhead('2062-01-01T10:00', '2026-11-29')).toBe(true);
  });
});

describe('month calendar', () => {
  it('bounds a month, also across years', () => {
    expect(monthRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
  });
  it('lays out whole weeks starting on Monday', () => {
    const days = calendarDays('2026-11'); // 1 Nov 2026 is a Sunday
    expect(days.length % 7).toBe(0);
    expect(days.slice(0, 7)).toEqual(['', '', '', '', '', '', '2026-11-01']);
    expect(days.filter(Boolean).length).toBe(30);
  });
});

describe('cancelling the far-future question', () => {
  it('clears the earlier errors, and asks nothing for a near date', async () => {
    const { cancelledFarAhead } = await import('./meeting');
    const { addDays, todayInLima } = await import('./format');
    let cleared = 0;
    globalThis.confirm = () => false;
    expect(cancelledFarAhead(`${addDays(todayInLima(), 400)}T10:00`, () => cleared++)).toBe(true);
    expect(cleared).toBe(1);
    globalThis.confirm = () => true;
    expect(cancelledFarAhead(`${addDays(todayInLima(), 400)}T10:00`, () => cleared++)).toBe(false);
    globalThis.confirm = () => {
      throw new Error('asked for a near date');
    };
    expect(cancelledFarAhead(`${addDays(todayInLima(), 3)}T10:00`, () => cleared++)).toBe(false);
    expect(cleared).toBe(1);
  });
});

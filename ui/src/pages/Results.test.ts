import { describe, expect, it } from 'vitest';
import { percentWidth, recordHref } from './Results';

describe('results', () => {
  it('links each record to its page', () => {
    expect(recordHref({ entity: 'stakeholder', id: 'a1' })).toBe('/stakeholders/a1');
    expect(recordHref({ entity: 'meeting', id: 'b2' })).toBe('/meetings/b2');
    expect(recordHref({ entity: 'commitment', id: 'c3' })).toBe('/commitments/c3');
    expect(recordHref({ entity: 'initiative', id: 'd4' })).toBe('/initiatives/d4');
  });
  it('bounds the progress bar', () => {
    expect(percentWidth(null)).toBe(0);
    expect(percentWidth(35)).toBe(35);
    expect(percentWidth(140)).toBe(100);
    expect(percentWidth(-3)).toBe(0);
  });
});

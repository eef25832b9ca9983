import { describe, expect, it } from 'vitest';
import { keepsFocus } from './StakeholderPicker';

describe('the participant search takes focus back', () => {
  it('only when it has it or nobody has it: a slow create never pulls the person out of another field', () => {
    const search = document.createElement('input');
    const summary = document.createElement('textarea');
    expect(keepsFocus(search, search)).toBe(true);
    expect(keepsFocus(document.body, search)).toBe(true);
    expect(keepsFocus(null, search)).toBe(true);
    expect(keepsFocus(summary, search)).toBe(false);
  });
});

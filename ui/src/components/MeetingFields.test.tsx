import { render, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyMeeting } from '../pages/MeetingForm';
import type { MeetingDraft } from '../validation';
import { MeetingFields } from './MeetingFields';

const mount = (el: JSX.Element) => {
  const root = document.createElement('div');
  document.body.append(root);
  render(el, root);
  return root;
};

describe('MeetingFields', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('keeps the ids the error summary and e2e use, and edits the draft it is given', async () => {
    let seen: MeetingDraft | undefined;
    function Host() {
      const [d, setD] = useState<MeetingDraft>({ ...emptyMeeting('08'), participants: [{ stakeholder_id: 's1', name: 'Rosa Quispe', role: '' }] });
      seen = d;
      return (
        <MeetingFields
          idPrefix="mf"
          d={d}
          setD={setD}
          errors={{ 'participants[0].role': 'validation.required' }}
          regions={[{ code: '08', name: 'Cusco', program: true }]}
          regionBlank
          afterWhen={<p id="slot-after-when" />}
        />
      );
    }
    const root = mount(<Host />);
    for (const id of ['mf-when', 'starts_at', 'duration_min', 'meeting_kind', 'region', 'place', 'slot-after-when', 'mf-who', 'participant-search', 'participants-0-role', 'mf-what', 'summary', 'agreements', 'next_steps']) {
      expect(root.querySelector(`#${id}`), id).not.toBeNull();
    }
    expect(root.querySelectorAll('#region option')[0].getAttribute('value')).toBe('');
    expect(root.querySelector('[data-testid="participants"]')?.textContent).toContain('Rosa Quispe');

    const role = root.querySelector<HTMLInputElement>('#participants-0-role')!;
    role.value = 'Alcaldesa';
    role.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen?.participants[0].role).toBe('Alcaldesa');

    root.querySelector<HTMLButtonElement>('[data-testid="participant"] button')!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen?.participants).toEqual([]);
    expect(seen?.region).toBe('08');
  });
});

import { describe, expect, it } from 'vitest';
import { emptyMeeting, fieldId, toMeetingBody } from './MeetingForm';

describe('meeting form helpers', () => {
  it('maps server field paths to input ids', () => {
    expect(fieldId('commitments[1].due_on')).toBe('commitments-1-due_on');
    expect(fieldId('tasks[0].title')).toBe('tasks-0-title');
    expect(fieldId('summary')).toBe('summary');
    expect(fieldId('kind')).toBe('meeting_kind');
  });
  it('builds the POST /meetings body with inline commitments and tasks', () => {
    const d = {
      ...emptyMeeting('08'),
      starts_at: '2026-03-10T09:30',
      duration_min: '45',
      participants: [{ stakeholder_id: 'a', name: 'Ana', role: ' asesora ' }],
      summary: ' Resumen ',
      commitments: [{ stakeholder_id: 'a', text: 'PL', type: 'legislative', due_on: '2026-04-30' }],
      tasks: [{ title: 'Acta', due_on: '2026-03-12', assignee_id: '' }],
    };
    const b = toMeetingBody(d, 'me');
    expect(b.starts_at).toBe('2026-03-10T14:30:00Z');
    expect(b.duration_min).toBe(45);
    expect(b.participants).toEqual([{ stakeholder_id: 'a', role: 'asesora' }]);
    expect(b.summary).toBe('Resumen');
    expect(b.commitments?.[0]).toEqual({ stakeholder_id: 'a', text: 'PL', type: 'legislative', region: '08', due_on: '2026-04-30', made_on: '2026-03-10' });
    expect(b.tasks?.[0]).toEqual({ title: 'Acta', due_on: '2026-03-12', assignee_id: 'me', region: '08' });
  });
  it('names the initiatives discussed, and a commitment its initiative only when one is chosen', () => {
    const d = {
      ...emptyMeeting('08'),
      starts_at: '2026-03-10T09:30',
      participants: [{ stakeholder_id: 'a', name: 'Ana', role: '' }],
      summary: 'PL de refugios',
      initiatives: [{ id: 'i1', title: 'Ley de refugios (PL 9123/2026-CR)' }],
      commitments: [
        { stakeholder_id: 'a', text: 'Votar a favor', type: 'legislative', due_on: '2026-04-30', initiative_id: 'i1' },
        { stakeholder_id: 'a', text: 'Enviar oficio', type: 'other', due_on: '2026-04-30' },
      ],
    };
    const b = toMeetingBody(d, 'me');
    expect(b.initiative_ids).toEqual(['i1']);
    expect(b.commitments?.[0].initiative_id).toBe('i1');
    expect(b.commitments?.[1]).not.toHaveProperty('initiative_id');
    expect(toMeetingBody(emptyMeeting('08'), 'me')).not.toHaveProperty('initiative_ids');
    expect(fieldId('initiative_ids[0]')).toBe('initiative-search');
  });
});

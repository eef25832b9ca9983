import { describe, expect, it } from 'vitest';
import { emptyMeeting, fieldId, toMeetingBody } from '../pages/MeetingForm';
import { validateMeeting } from '../validation';
import { linesText } from './FunderLines';
import { emptyTraining, toTraining, validateTraining } from './TrainingFields';

describe('training fields', () => {
  it('sends counts per audience in the enum order, topics one per line', () => {
    const tr = toTraining({ modality: 'virtual', counts: { judges: '70', public_defenders: '85', police: '0', other: '' }, topics: ' enfoque centrado en la víctima \n\n estereotipos de género ' });
    expect(tr).toEqual({
      modality: 'virtual',
      audience: [{ type: 'public_defenders', count: 85 }, { type: 'judges', count: 70 }],
      topics: ['enfoque centrado en la víctima', 'estereotipos de género'],
    });
  });
  it('asks for at least one audience and whole numbers', () => {
    expect(validateTraining(emptyTraining())).toEqual({ 'training.audience': 'validation.audience' });
    expect(validateTraining({ modality: 'virtual', counts: { judges: '2.5' }, topics: '' })).toEqual({ 'training.count.judges': 'validation.people' });
    expect(validateTraining({ modality: 'virtual', counts: { judges: '12' }, topics: '' })).toEqual({});
    expect(fieldId('training.count.judges')).toBe('training-count-judges');
    expect(fieldId('training.audience[0].count')).toBe('training-audience');
  });
  it('a training needs no participants and carries its audience; other kinds send none', () => {
    const d = { ...emptyMeeting('08'), kind: 'training', starts_at: '2026-03-10T09:30', summary: 'Taller', training: { modality: 'in_person', counts: { police: '30' }, topics: '' } };
    expect(validateMeeting(d)).toEqual({});
    expect(toMeetingBody(d, 'me').training).toEqual({ modality: 'in_person', audience: [{ type: 'police', count: 30 }], topics: [] });
    expect(toMeetingBody({ ...d, kind: 'call' }, 'me').training).toBeUndefined();
  });
  it('copies the funder lines in one language', () => {
    const lines = [{ es: 'Uno.', en: 'One.' }, { es: 'Dos.', en: 'Two.' }];
    expect(linesText(lines, 'en')).toBe('One.\nTwo.');
  });
});

describe('women and men per audience', () => {
  it('are sent only where typed', () => {
    const tr = toTraining({ modality: 'virtual', counts: { judges: '70', public_defenders: '85' }, women: { public_defenders: '50' }, men: { public_defenders: '35', judges: '' }, topics: '' });
    expect(tr.audience).toEqual([
      { type: 'public_defenders', count: 85, women: 50, men: 35 },
      { type: 'judges', count: 70 },
    ]);
  });
  it('must fit in the audience count', () => {
    const e = validateTraining({ modality: 'virtual', counts: { judges: '10' }, women: { judges: '8' }, men: { judges: '5' }, topics: '' });
    expect(e['training.men.judges']).toBe('validation.sex_count');
    expect(validateTraining({ modality: 'virtual', counts: { judges: '10' }, women: { judges: '11' }, topics: '' })['training.women.judges']).toBe('validation.sex_count');
    expect(validateTraining({ modality: 'virtual', counts: { judges: '10' }, women: { judges: '4' }, men: { judges: '6' }, topics: '' })).toEqual({});
  });
});

describe('training topics', () => {
  it('are limited one by one, a line each, as the server limits them', () => {
    const ok = { modality: 'virtual', counts: { judges: '2' }, topics: `Trata de personas\n${'t'.repeat(200)}` };
    expect(validateTraining(ok)).toEqual({});
    expect(validateTraining({ ...ok, topics: `Trata\n${'t'.repeat(201)}` })).toEqual({ 'training.topics': 'validation.item_too_long' });
  });
});

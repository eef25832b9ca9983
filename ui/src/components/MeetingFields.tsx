// The parts of a meeting shared by the new-meeting form and the edit form:
// when and where, who took part, and what was discussed. Ids and labels are
// the same in both forms (the error summary and the e2e test rely on them).
import type { ComponentChildren } from 'preact';
import type { Region } from '../api';
import { t } from '../i18n';
import { useSession } from '../session';
import type { Errors, MeetingDraft } from '../validation';
import { CheckGroup, enumOptions, Select, TextArea, TextInput } from './Field';
import { StakeholderPicker } from './StakeholderPicker';
import { InitiativePicker } from './InitiativePicker';
import { Section } from './Section';
import { limit } from '../limits';

export type MeetingFieldsDraft = Pick<MeetingDraft, 'starts_at' | 'duration_min' | 'kind' | 'region' | 'place' | 'participants' | 'topics' | 'summary' | 'agreements' | 'next_steps' | 'created' | 'initiatives'> & {
  commitments?: MeetingDraft['commitments'];
};

interface Props<D extends MeetingFieldsDraft> {
  /** prefix of the section heading ids (mf-when, me-who…): each form keeps its own */
  idPrefix: string;
  d: D;
  setD: (fn: (o: D) => D) => void;
  errors: Errors;
  /** the regions the user may choose */
  regions: Region[];
  /** offer an empty region first (a new meeting has none yet) */
  regionBlank?: boolean;
  /** regions of a person created from the participant search; without it no one is created there */
  createRegions?: string[];
  /** shown between "when and where" and "participants" (a training's own fields) */
  afterWhen?: ComponentChildren;
  /** shown at the end of "participants" (the staff who attended) */
  staff?: ComponentChildren;
}

export function MeetingFields<D extends MeetingFieldsDraft>({ idPrefix: p, d, setD, errors, regions, regionBlank, createRegions, afterWhen, staff }: Props<D>) {
  const { enums } = useSession();
  const set =
    <K extends keyof MeetingFieldsDraft>(k: K) =>
    (v: MeetingFieldsDraft[K]) =>
      setD((o) => ({ ...o, [k]: v }));
  const setParticipants = (fn: (ps: MeetingDraft['participants']) => MeetingDraft['participants']) => setD((o) => ({ ...o, participants: fn(o.participants) }));
  return (
    <>
      <Section id={`${p}-when`} title={t('meeting.when_where')}>
        <div class="form-grid">
          <TextInput id="starts_at" type="datetime-local" label={t('meeting.starts_at')} hint={t('meeting.lima_time')} value={d.starts_at} onValue={set('starts_at')} error={errors.starts_at} required />
          <TextInput id="duration_min" type="number" inputMode="numeric" min={0} step={5} label={t('meeting.duration')} value={d.duration_min} onValue={set('duration_min')} error={errors.duration_min} />
          <Select id="meeting_kind" label={t('meeting.kind')} value={d.kind} options={enumOptions('meeting_kind', enums.meeting_kinds)} onValue={set('kind')} error={errors.kind} required />
          <Select id="region" label={t('common.region')} value={d.region} blank={regionBlank ? '—' : undefined} options={regions.map((r) => ({ value: r.code, label: r.name }))} onValue={set('region')} error={errors.region} required />
          <TextInput id="place" label={t('meeting.place')} max={limit('meeting.place')} value={d.place} onValue={set('place')} error={errors.place} />
        </div>
      </Section>

      {afterWhen}

      <Section id={`${p}-who`} title={t('meeting.participants')}>
        <StakeholderPicker
          id="participant-search"
          label={t('meeting.add_participant')}
          onPick={(x) =>
            setD((o) => ({
              ...o,
              participants: [...o.participants, { stakeholder_id: x.id, name: x.name, role: '' }],
              created: x.created ? [...(o.created ?? []), { id: x.id, name: x.name }] : o.created,
            }))
          }
          exclude={d.participants.map((x) => x.stakeholder_id)}
          createRegions={createRegions}
          error={errors.participants}
        />
        <ul class="plain-list" data-testid="participants">
          {d.participants.map((x, i) => (
            <li key={x.stakeholder_id} class="mf-participant" data-testid="participant">
              <span class="mf-pname">{x.name}</span>
              <TextInput
                id={`participants-${i}-role`}
                label={t('meeting.participant_role', { name: x.name })}
                max={limit('meeting.participant_role')}
                value={x.role}
                onValue={(v) => setParticipants((ps) => ps.map((y, j) => (j === i ? { ...y, role: v } : y)))}
                error={errors[`participants[${i}].role`] ?? errors[`participants[${i}].stakeholder_id`]}
              />
              <button type="button" class="btn btn-small btn-danger" onClick={() => setParticipants((ps) => ps.filter((_, j) => j !== i))} aria-label={t('common.remove_named', { name: x.name })}>
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
        {staff}
      </Section>

      <Section id={`${p}-what`} title={t('meeting.content')}>
        <CheckGroup legend={t('meeting.topics')} name="topics" values={d.topics} options={enumOptions('topic', enums.topics)} onValues={set('topics')} error={errors.topics} />
        <InitiativePicker
          id="initiative-search"
          label={t('meeting.add_initiative')}
          exclude={(d.initiatives ?? []).map((x) => x.id)}
          onPick={(x) => setD((o) => ({ ...o, initiatives: [...(o.initiatives ?? []), x] }))}
          error={errors.initiative_ids}
        />
        {!!d.initiatives?.length && (
          <ul class="plain-list" data-testid="meeting-initiatives" aria-label={t('meeting.initiatives')}>
            {d.initiatives.map((x) => (
              <li key={x.id} class="row" data-testid="meeting-initiative" data-id={x.id}>
                <span>{x.title}</span>
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  // A commitment about the initiative removed is no longer about it.
                  onClick={() => setD((o) => ({ ...o, initiatives: (o.initiatives ?? []).filter((y) => y.id !== x.id), ...(o.commitments && { commitments: o.commitments.map((c) => (c.initiative_id === x.id ? { ...c, initiative_id: undefined } : c)) }) }))}
                  aria-label={t('common.remove_named', { name: x.title })}
                >
                  {t('common.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <TextArea id="summary" max={limit('meeting.summary')} label={t('meeting.summary')} value={d.summary} onValue={set('summary')} error={errors.summary} required rows={4} />
        <TextArea id="agreements" max={limit('meeting.agreements')} label={t('meeting.agreements')} value={d.agreements} onValue={set('agreements')} error={errors.agreements} />
        <TextArea id="next_steps" max={limit('meeting.next_steps')} label={t('meeting.next_steps')} value={d.next_steps} onValue={set('next_steps')} error={errors.next_steps} />
      </Section>
    </>
  );
}

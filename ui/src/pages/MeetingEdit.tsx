// Edit a saved meeting: when, where, who, what. Commitments and tasks made
// there are edited on their own pages. Sends the version it read.
import { useEffect, useState } from 'preact/hooks';
import { endpoints, type Meeting } from '../api';
import { CheckGroup, enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { StakeholderPicker } from '../components/StakeholderPicker';
import { ErrorBox, Loading } from '../components/States';
import { useSave } from '../save';
import { limaLocalInput, limaLocalToISO } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { Link, navigate } from '../router';
import { canEdit, myRegions, useSession } from '../session';
import { teamOptions, useTeam } from '../team';
import { hasErrors, validateMeeting, type MeetingDraft } from '../validation';
import { enterDoesNotSubmit, farAhead } from '../meeting';
import { ReadOnlyNotice } from './ReadOnly';
import './MeetingForm.css';

function toDraft(m: Meeting): MeetingDraft & { staff_ids: string[] } {
  return {
    starts_at: limaLocalInput(new Date(m.starts_at)),
    duration_min: String(m.duration_min),
    kind: m.kind,
    region: m.region,
    place: m.place,
    participants: m.participants.map((p) => ({ ...p })),
    topics: [...m.topics],
    summary: m.summary,
    agreements: m.agreements,
    next_steps: m.next_steps,
    commitments: [],
    tasks: [],
    staff_ids: [...(m.staff_ids ?? [])],
  };
}

export function MeetingEdit({ id }: { id: string }) {
  useTitle(t('meeting.edit'));
  const { user } = useSession();
  const m = useAsync(() => endpoints.meeting(id), [id]);
  if (!canEdit(user)) return <ReadOnlyNotice />;
  if (m.loading && !m.data) return <Loading />;
  if (m.error || !m.data) return <ErrorBox error={m.error} onRetry={m.reload} />;
  return <EditForm m={m.data} onReload={m.reload} />;
}

function EditForm({ m, onReload }: { m: Meeting; onReload: () => void }) {
  const { user, regions, enums } = useSession();
  const team = useTeam();
  const [d, setD] = useState(() => toDraft(m));
  const { errors, error, busy, run, setError } = useSave();
  useEffect(() => setD(toDraft(m)), [m.version]);
  const set = <K extends keyof typeof d>(k: K) => (v: (typeof d)[K]) => setD((o) => ({ ...o, [k]: v }));
  const mine = myRegions(user, regions);

  const submit = (e: Event) => {
    e.preventDefault();
    const v = validateMeeting(d);
    if (!hasErrors(v) && farAhead(d.starts_at) && !confirm(t('meeting.far_future_confirm'))) return;
    void run(v, async () => {
      await endpoints.updateMeeting(m.id, {
        starts_at: limaLocalToISO(d.starts_at),
        duration_min: Number(d.duration_min || 0),
        kind: d.kind,
        region: d.region,
        place: d.place.trim(),
        participants: d.participants.map((p) => ({ stakeholder_id: p.stakeholder_id, role: p.role.trim() })),
        staff_ids: d.staff_ids,
        topics: d.topics,
        summary: d.summary.trim(),
        agreements: d.agreements.trim(),
        next_steps: d.next_steps.trim(),
        version: m.version,
      });
      navigate(`/meetings/${m.id}?updated=1`);
    });
  };

  return (
    <form class="meeting-form" onSubmit={submit} onKeyDown={enterDoesNotSubmit} noValidate data-testid="meeting-edit-form" aria-labelledby="me-title">
      <div class="page-head">
        <h1 id="me-title">{t('meeting.edit')}</h1>
        <Link href={`/meetings/${m.id}`}>{t('common.cancel')}</Link>
      </div>
      <ErrorBox
        error={error}
        onReload={() => {
          setError(null);
          onReload();
        }}
      />
      <section class="card" aria-labelledby="me-when">
        <h2 id="me-when">{t('meeting.when_where')}</h2>
        <div class="form-grid">
          <TextInput id="starts_at" type="datetime-local" label={t('meeting.starts_at')} hint={t('meeting.lima_time')} value={d.starts_at} onValue={set('starts_at')} error={errors.starts_at} required />
          <TextInput id="duration_min" type="number" inputMode="numeric" min={0} step={5} label={t('meeting.duration')} value={d.duration_min} onValue={set('duration_min')} error={errors.duration_min} />
          <Select id="meeting_kind" label={t('meeting.kind')} value={d.kind} options={enumOptions('meeting_kind', enums.meeting_kinds)} onValue={set('kind')} error={errors.kind} required />
          <Select id="region" label={t('common.region')} value={d.region} options={mine.map((r) => ({ value: r.code, label: r.name }))} onValue={set('region')} error={errors.region} required />
          <TextInput id="place" label={t('meeting.place')} value={d.place} onValue={set('place')} error={errors.place} />
        </div>
      </section>
      <section class="card" aria-labelledby="me-who">
        <h2 id="me-who">{t('meeting.participants')}</h2>
        <StakeholderPicker
          id="participant-search"
          label={t('meeting.add_participant')}
          onPick={(p) => setD((o) => ({ ...o, participants: [...o.participants, { stakeholder_id: p.id, name: p.name, role: '' }] }))}
          exclude={d.participants.map((p) => p.stakeholder_id)}
          error={errors.participants}
        />
        <ul class="plain-list" data-testid="participants">
          {d.participants.map((p, i) => (
            <li key={p.stakeholder_id} class="mf-participant" data-testid="participant">
              <span class="mf-pname">{p.name}</span>
              <TextInput
                id={`participants-${i}-role`}
                label={t('meeting.participant_role', { name: p.name })}
                value={p.role}
                onValue={(v) => setD((o) => ({ ...o, participants: o.participants.map((x, j) => (j === i ? { ...x, role: v } : x)) }))}
                error={errors[`participants[${i}].stakeholder_id`]}
              />
              <button type="button" class="btn btn-small btn-danger" onClick={() => setD((o) => ({ ...o, participants: o.participants.filter((_, j) => j !== i) }))} aria-label={t('common.remove_named', { name: p.name })}>
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
        {team.length > 0 && <CheckGroup legend={t('meetings.staff')} name="staff_ids" values={d.staff_ids} options={teamOptions(team)} onValues={set('staff_ids')} error={errors.staff_ids} />}
      </section>
      <section class="card" aria-labelledby="me-what">
        <h2 id="me-what">{t('meeting.content')}</h2>
        <CheckGroup legend={t('meeting.topics')} name="topics" values={d.topics} options={enumOptions('topic', enums.topics)} onValues={set('topics')} error={errors.topics} />
        <TextArea id="summary" label={t('meeting.summary')} value={d.summary} onValue={set('summary')} error={errors.summary} required rows={4} />
        <TextArea id="agreements" label={t('meeting.agreements')} value={d.agreements} onValue={set('agreements')} error={errors.agreements} />
        <TextArea id="next_steps" label={t('meeting.next_steps')} value={d.next_steps} onValue={set('next_steps')} error={errors.next_steps} />
      </section>
      <div class="mf-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="save-meeting-edit">
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

export default MeetingEdit;

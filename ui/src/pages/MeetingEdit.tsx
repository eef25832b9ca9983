// Edit a saved meeting: when, where, who, what. Commitments and tasks made
// there are edited on their own pages. Sends the version it read.
import { useEffect, useState } from 'preact/hooks';
import { endpoints, type Meeting } from '../api';
import { CheckGroup } from '../components/Field';
import { MeetingFields } from '../components/MeetingFields';
import { initiativeLabel } from '../components/InitiativePicker';
import { ErrorBox, Loading } from '../components/States';
import { useSave } from '../save';
import { limaLocalInput, limaLocalToISO } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { Link, navigate } from '../router';
import { canEdit, myRegions, useSession } from '../session';
import { teamOptions, useTeam } from '../team';
import { hasErrors, validateMeeting, type MeetingDraft } from '../validation';
import { enterDoesNotSubmit, cancelledFarAhead } from '../meeting';
import { ReadOnlyNotice } from './ReadOnly';
import './MeetingForm.css';
import { SaveButton } from '../components/FormActions';

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
    // Titles follow from the server (below); the id stands in until then.
    initiatives: (m.initiative_ids ?? []).map((id) => ({ id, title: id })),
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
  const { user, regions } = useSession();
  const team = useTeam();
  const [d, setD] = useState(() => toDraft(m));
  const { errors, error, busy, run, reloadWith, setError, setErrors } = useSave();
  useEffect(() => setD(toDraft(m)), [m.version]);
  useEffect(() => {
    for (const iid of m.initiative_ids ?? []) {
      endpoints.initiative(iid).then(
        (x) => setD((o) => ({ ...o, initiatives: (o.initiatives ?? []).map((y) => (y.id === x.id ? { id: x.id, title: initiativeLabel(x) } : y)) })),
        () => undefined,
      );
    }
  }, [m.id, m.version]);
  const set = <K extends keyof typeof d>(k: K) => (v: (typeof d)[K]) => setD((o) => ({ ...o, [k]: v }));
  const mine = myRegions(user, regions);

  const submit = (e: Event) => {
    e.preventDefault();
    const v = validateMeeting(d);
    if (!hasErrors(v) && cancelledFarAhead(d.starts_at, () => {
      setError(null);
      setErrors({});
    })) return;
    void run(v, async () => {
      await endpoints.updateMeeting(m.id, {
        starts_at: limaLocalToISO(d.starts_at),
        duration_min: Number(d.duration_min || 0),
        kind: d.kind as Meeting['kind'],
        region: d.region,
        place: d.place.trim(),
        participants: d.participants.map((p) => ({ stakeholder_id: p.stakeholder_id, role: p.role.trim() })),
        staff_ids: d.staff_ids,
        topics: d.topics as Meeting['topics'],
        summary: d.summary.trim(),
        agreements: d.agreements.trim(),
        next_steps: d.next_steps.trim(),
        initiative_ids: (d.initiatives ?? []).map((x) => x.id),
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
      <ErrorBox error={error} onReload={reloadWith(onReload)} />
      <MeetingFields
        idPrefix="me"
        d={d}
        setD={setD}
        errors={errors}
        regions={mine}
        staff={team.length > 0 && <CheckGroup legend={t('meetings.staff')} name="staff_ids" values={d.staff_ids} options={teamOptions(team)} onValues={set('staff_ids')} error={errors.staff_ids} />}
      />
      <div class="mf-actions">
        <SaveButton busy={busy} testid="save-meeting-edit" />
      </div>
    </form>
  );
}

export default MeetingEdit;

// Log a meeting: one form built for a phone. The draft stays in localStorage until saved.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { endpoints, type CommitmentCreate, type MeetingCreate, type User } from '../api';
import { enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { MeetingFields } from '../components/MeetingFields';
import { initiativeLabel } from '../components/InitiativePicker';
import { emptyTraining, toTraining, trainingFieldId, trainingFieldLabel, TrainingFields, validateTraining } from '../components/TrainingFields';
import { ErrorBox } from '../components/States';
import { draftStore, isBlank } from '../draft';
import { saveMeeting } from '../offline/save';
import { draftOf, take } from '../offline/outbox';
import { loadCache } from '../offline/cache';
import { addDays, formatDateTime, limaLocalInput, limaLocalToISO, todayInLima } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { navigate, useQuery } from '../router';
import { isAdmin, myRegions, useSession } from '../session';
import { enterDoesNotSubmit, cancelledFarAhead } from '../meeting';
import { useSave } from '../save';
import { hasErrors, validateMeeting, type MeetingDraft } from '../validation';
import './MeetingForm.css';
import { SaveButton } from '../components/FormActions';
import { Section } from '../components/Section';
import { limit } from '../limits';

export const MEETING_DRAFT_VERSION = 1;

export function emptyMeeting(region = ''): MeetingDraft {
  return {
    starts_at: '',
    duration_min: '60',
    kind: 'in_person',
    region,
    place: '',
    participants: [],
    topics: [],
    summary: '',
    agreements: '',
    next_steps: '',
    commitments: [],
    tasks: [],
  };
}

/** toMeetingBody turns the form draft into the POST /meetings body. */
export function toMeetingBody(d: MeetingDraft, me: string): MeetingCreate {
  const day = d.starts_at.slice(0, 10);
  return {
    starts_at: limaLocalToISO(d.starts_at),
    duration_min: d.duration_min === '' ? 0 : Number(d.duration_min),
    kind: d.kind as MeetingCreate['kind'],
    region: d.region,
    place: d.place.trim(),
    participants: d.participants.map((p) => ({ stakeholder_id: p.stakeholder_id, role: p.role.trim() })),
    topics: d.topics as MeetingCreate['topics'],
    summary: d.summary.trim(),
    agreements: d.agreements.trim(),
    next_steps: d.next_steps.trim(),
    commitments: d.commitments.map((c) => ({ stakeholder_id: c.stakeholder_id, text: c.text.trim(), type: c.type as CommitmentCreate['type'], region: d.region, due_on: c.due_on, made_on: day, ...(c.initiative_id && { initiative_id: c.initiative_id }) })),
    tasks: d.tasks.map((tk) => ({ title: tk.title.trim(), due_on: tk.due_on, assignee_id: tk.assignee_id || me, region: d.region })),
    ...(d.kind === 'training' ? { training: toTraining(d.training ?? emptyTraining()) } : {}),
    ...(d.initiatives?.length ? { initiative_ids: d.initiatives.map((x) => x.id) } : {}),
  };
}

export function MeetingForm() {
  useTitle(t('meeting.new'));
  const { user, regions, enums } = useSession();
  const [query] = useQuery();
  const mine = myRegions(user, regions);
  const defaultRegion = mine.length === 1 ? mine[0].code : '';
  const store = useMemo(() => draftStore<MeetingDraft>(`alianza.draft.meeting.${user?.id ?? 'anon'}`, MEETING_DRAFT_VERSION, () => emptyMeeting(defaultRegion)), [user?.id]);
  const [d, setD] = useState<MeetingDraft>(() => store.load() ?? { ...emptyMeeting(defaultRegion), starts_at: limaLocalInput() });
  const [restored] = useState(() => store.savedAt());
  const { errors, error, busy, run, setError, setErrors } = useSave();
  const [users, setUsers] = useState<User[]>([]);
  const summaryRef = useRef<HTMLDivElement>(null);

  // Keep the draft on every change (nothing is lost on reload or a dropped connection).
  useEffect(() => {
    if (isBlank({ ...d, starts_at: '' }, { ...emptyMeeting(defaultRegion), starts_at: '' })) store.clear();
    else store.save(d);
  }, [d, store]);

  // Prefill a participant from ?with=<stakeholder id>.
  useEffect(() => {
    const w = query.with;
    if (!w || d.participants.some((p) => p.stakeholder_id === w)) return;
    endpoints.stakeholder(w).then(
      (s) => setD((o) => ({ ...o, participants: [...o.participants, { stakeholder_id: s.id, name: s.name, role: '' }] })),
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query.with]);

  // Prefill an initiative discussed from ?initiative=<id> (the initiative page's "log a meeting").
  useEffect(() => {
    const id = query.initiative;
    if (!id || d.initiatives?.some((x) => x.id === id)) return;
    endpoints.initiative(id).then(
      (x) => setD((o) => ({ ...o, initiatives: [...(o.initiatives ?? []), { id: x.id, title: initiativeLabel(x) }] })),
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query.initiative]);

  // ?fix=<outbox item>: a meeting the server refused after an offline save opens here as the
  // draft, with the server's problems on their fields (in the language it was sent in).
  useEffect(() => {
    const id = query.fix;
    if (!id || !user) return;
    void (async () => {
      const current = store.load();
      if (current && !isBlank({ ...current, starts_at: '' }, { ...emptyMeeting(defaultRegion), starts_at: '' }) && !confirm(t('offline.fix_replace'))) return;
      const it = await take(user.id, id);
      if (!it) return;
      const names = new Map(((await loadCache(user.id))?.stakeholders ?? []).map((s) => [s.id, s.name]));
      setD(draftOf(it, names));
      setErrors(it.error?.fields ?? {});
      if (it.error && !Object.keys(it.error.fields).length) setError(new Error(it.error.detail || it.error.title));
      focusSummary();
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query.fix, user?.id]);

  // Assignees: admins can list users; everyone else assigns follow-ups to themselves.
  useEffect(() => {
    if (isAdmin(user)) endpoints.users({ limit: 200 }).then((p) => setUsers(p.items.filter((u) => !u.disabled)), () => undefined);
  }, [user]);

  const set = <K extends keyof MeetingDraft>(k: K) => (v: MeetingDraft[K]) => setD((o) => ({ ...o, [k]: v }));
  const patchItem = <K extends 'commitments' | 'tasks'>(k: K, i: number, patch: Partial<MeetingDraft[K][number]>) =>
    setD((o) => ({ ...o, [k]: (o[k] as object[]).map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  const removeItem = (k: 'commitments' | 'tasks', i: number) => setD((o) => ({ ...o, [k]: (o[k] as object[]).filter((_, j) => j !== i) }));

  const defaultDue = addDays(todayInLima(), 30);
  // The button was pressed to type into the new fields: focus goes to the first one.
  const focusId = (id: string) => setTimeout(() => document.getElementById(id)?.focus(), 0);
  const addCommitment = () => {
    const one = d.participants.length === 1;
    setD((o) => ({ ...o, commitments: [...o.commitments, { stakeholder_id: one ? o.participants[0].stakeholder_id : '', text: '', type: 'legislative', due_on: defaultDue }] }));
    focusId(`commitments-${d.commitments.length}-${one ? 'text' : 'stakeholder_id'}`);
  };
  const addTask = () => {
    setD((o) => ({ ...o, tasks: [...o.tasks, { title: '', due_on: addDays(todayInLima(), 7), assignee_id: user?.id ?? '' }] }));
    focusId(`tasks-${d.tasks.length}-title`);
  };

  const focusSummary = () => setTimeout(() => summaryRef.current?.focus(), 0);

  const submit = async (e: Event) => {
    e.preventDefault();
    const v = { ...validateMeeting(d), ...(d.kind === 'training' ? validateTraining(d.training ?? emptyTraining()) : {}) };
    if (!hasErrors(v) && cancelledFarAhead(d.starts_at, () => {
      setError(null);
      setErrors({});
    })) return;
    const ok = await run(v, async () => {
      const r = await saveMeeting(toMeetingBody(d, user?.id ?? ''), d);
      store.clear();
      // Without signal the meeting waits in the outbox, shown as "pendiente de envío".
      navigate(r.meeting ? `/meetings/${r.meeting.id}?saved=1` : '/?queued=1');
    });
    if (!ok) focusSummary();
  };

  const discard = async () => {
    if (!confirm(t('meeting.discard_confirm'))) return;
    // People created inside this draft would stay behind as empty records.
    const created = d.created ?? [];
    let failed: unknown = null;
    if (created.length && confirm(t('meeting.discard_created', { names: created.map((c) => c.name).join(', ') }))) {
      failed = (await Promise.all(created.map((c) => endpoints.archiveStakeholder(c.id).then(() => null, (e: unknown) => e)))).find((e) => e) ?? null;
    }
    store.clear();
    setD({ ...emptyMeeting(defaultRegion), starts_at: limaLocalInput() });
    setErrors({});
    setError(failed);
  };

  const participantOpts = d.participants.map((p) => ({ value: p.stakeholder_id, label: p.name }));
  const userOpts = users.length ? users.map((u) => ({ value: u.id, label: u.name || u.email })) : [{ value: user?.id ?? '', label: t('meeting.me') }];
  const errList = Object.entries(errors);

  return (
    <form class="meeting-form" onSubmit={submit} onKeyDown={enterDoesNotSubmit} noValidate data-testid="meeting-form" aria-labelledby="mf-title">
      <div class="page-head">
        <h1 id="mf-title">{t('meeting.new')}</h1>
        <span class="small muted" data-testid="draft-status">
          {restored ? t('meeting.draft_restored', { at: formatDateTime(restored) }) : t('meeting.draft_kept')}
        </span>
      </div>

      <div ref={summaryRef} tabIndex={-1} class="mf-summary">
        <ErrorBox error={error} />
        {errList.length > 0 && (
          <div class="card mf-errors" role="alert" data-testid="error-summary">
            <h2>{t('meeting.fix_errors')}</h2>
            <ul>
              {errList.map(([k, msg]) => (
                <li key={k}>
                  <a href={`#${fieldId(k)}`}>
                    {fieldLabel(k)}: {t(msg)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>

      <MeetingFields
        idPrefix="mf"
        d={d}
        setD={setD}
        errors={errors}
        regions={mine}
        regionBlank
        createRegions={d.region ? [d.region] : mine.slice(0, 1).map((r) => r.code)}
        afterWhen={d.kind === 'training' && <TrainingFields value={d.training ?? emptyTraining()} onValue={set('training')} errors={errors} />}
      />

      <Items id="mf-commit" title={t('meeting.commitments')} none={d.commitments.length === 0 && t('meeting.no_commitments')} add={t('meeting.add_commitment')} onAdd={addCommitment} addTestid="add-commitment">
        {d.commitments.map((c, i) => (
          <Item key={i} testid={`commitment-${i}`} legend={t('meeting.commitment_n', { n: i + 1 })} remove={t('meeting.remove_commitment', { n: i + 1 })} onRemove={() => removeItem('commitments', i)}>
            <div class="form-grid">
              <Select id={`commitments-${i}-stakeholder_id`} label={t('commitment.stakeholder')} value={c.stakeholder_id} blank="—" options={participantOpts} onValue={(v) => patchItem('commitments', i, { stakeholder_id: v })} error={errors[`commitments[${i}].stakeholder_id`]} required />
              <Select id={`commitments-${i}-type`} label={t('commitment.type')} value={c.type} options={enumOptions('ctype', enums.commitment_types)} onValue={(v) => patchItem('commitments', i, { type: v })} error={errors[`commitments[${i}].type`]} required />
              <TextInput id={`commitments-${i}-due_on`} type="date" label={t('commitment.due_on')} value={c.due_on} onValue={(v) => patchItem('commitments', i, { due_on: v })} error={errors[`commitments[${i}].due_on`]} required />
              {!!d.initiatives?.length && (
                <Select id={`commitments-${i}-initiative_id`} label={t('commitment.initiative')} value={c.initiative_id ?? ''} blank="—" options={d.initiatives.map((x) => ({ value: x.id, label: x.title }))} onValue={(v) => patchItem('commitments', i, { initiative_id: v || undefined })} error={errors[`commitments[${i}].initiative_id`]} />
              )}
            </div>
            <TextArea id={`commitments-${i}-text`} label={t('commitment.text')} max={limit('commitment.text')} value={c.text} onValue={(v) => patchItem('commitments', i, { text: v })} error={errors[`commitments[${i}].text`]} required rows={2} />
          </Item>
        ))}
      </Items>

      <Items id="mf-tasks" title={t('meeting.tasks')} none={d.tasks.length === 0 && t('meeting.no_tasks')} add={t('meeting.add_task')} onAdd={addTask} addTestid="add-task">
        {d.tasks.map((tk, i) => (
          <Item key={i} testid={`task-${i}`} legend={t('meeting.task_n', { n: i + 1 })} remove={t('meeting.remove_task', { n: i + 1 })} onRemove={() => removeItem('tasks', i)}>
            <div class="form-grid">
              <TextInput id={`tasks-${i}-title`} label={t('task.title')} max={limit('task.title')} value={tk.title} onValue={(v) => patchItem('tasks', i, { title: v })} error={errors[`tasks[${i}].title`]} required />
              <TextInput id={`tasks-${i}-due_on`} type="date" label={t('task.due_on')} value={tk.due_on} onValue={(v) => patchItem('tasks', i, { due_on: v })} error={errors[`tasks[${i}].due_on`]} required />
              <Select id={`tasks-${i}-assignee_id`} label={t('task.assignee')} value={tk.assignee_id} options={userOpts} onValue={(v) => patchItem('tasks', i, { assignee_id: v })} error={errors[`tasks[${i}].assignee_id`]} />
            </div>
          </Item>
        ))}
      </Items>

      <div class="mf-actions">
        <button type="button" class="btn btn-danger" onClick={() => void discard()} data-testid="discard-draft">
          {t('meeting.discard')}
        </button>
        <SaveButton busy={busy} testid="save-meeting" label={t('meeting.save')} />
      </div>
    </form>
  );
}

/** fieldId turns a server field path (commitments[1].due_on) into the matching input id. */
/** Items is a card of repeated items (the commitments or tasks made at the meeting) with its add button. */
function Items({ id, title, none, add, onAdd, addTestid, children }: { id: string; title: string; none: string | false; add: string; onAdd: () => void; addTestid: string; children: ComponentChildren }) {
  return (
    <Section id={id} title={title}>
      {none && <p class="muted">{none}</p>}
      {children}
      <button type="button" class="btn" onClick={onAdd} data-testid={addTestid}>
        + {add}
      </button>
    </Section>
  );
}

/** Item is one of the Items, with its remove button. */
function Item({ testid, legend, remove, onRemove, children }: { testid: string; legend: string; remove: string; onRemove: () => void; children: ComponentChildren }) {
  return (
    <fieldset class="mf-item" data-testid={testid}>
      <legend>{legend}</legend>
      {children}
      <button type="button" class="btn btn-small btn-danger" onClick={onRemove}>
        {remove}
      </button>
    </fieldset>
  );
}

export function fieldId(path: string): string {
  if (path === 'kind') return 'meeting_kind';
  if (path === 'participants') return 'participant-search';
  if (path === 'topics') return 'mf-what';
  if (path === 'initiative_ids' || path.startsWith('initiative_ids[')) return 'initiative-search';
  if (path.startsWith('training')) return trainingFieldId(path);
  return path.replace(/\[(\d+)\]\./g, '-$1-').replace(/\[(\d+)\]$/, '-$1');
}

/** fieldLabel names a server field path as the form labels it ("Compromiso 2 – Vence"). */
export function fieldLabel(path: string): string {
  if (path.startsWith('training')) return trainingFieldLabel(path);
  const m = /^(commitments|tasks|participants)\[(\d+)\]\.(\w+)$/.exec(path);
  if (m) {
    const n = Number(m[2]) + 1;
    const group = m[1] === 'commitments' ? t('meeting.commitment_n', { n }) : m[1] === 'tasks' ? t('meeting.task_n', { n }) : t('meeting.participant_n', { n });
    return `${group} – ${t(`field.${m[3]}`)}`;
  }
  return t(`field.${path}`);
}

// What a reviewer can do with a message: link its sender to a stakeholder,
// link it to meetings or commitments, make a task or a commitment from it,
// and keep notes.
import { useState } from 'preact/hooks';
import { endpoints, type CommitmentType, type Message, type MessagePatch } from '../../api';
import { CreatePersonForm } from '../../components/CreatePersonForm';
import { enumOptions, Select, TextArea, TextInput } from '../../components/Field';
import { StakeholderPicker, type Picked } from '../../components/StakeholderPicker';
import { ErrorBox, Notice } from '../../components/States';
import { addDays, formatDateTime, todayInLima } from '../../format';
import { useAsync, useDebounced, type Action } from '../../hooks';
import { t, tn } from '../../i18n';
import { useSave } from '../../save';
import { useSession } from '../../session';
import { teamOptions, useTeam } from '../../team';
import type { Errors } from '../../validation';
import { limit } from '../../limits';

type Matched = { id: string; name: string }[];

interface Props {
  m: Message;
  /** the stakeholders the message is matched to */
  matched: Matched;
  /** run is the reader's action: its errors show at the top of the message */
  run: Action['run'];
  onPatch: (b: MessagePatch) => Promise<unknown>;
  /** onLinked runs after the sender's address was linked, with how many messages it matched again */
  onLinked: (rematched: number) => void;
}

export function ReaderActions({ m, matched, run, onPatch, onLinked }: Props) {
  const linkSender = (p: Picked) => run(async () => onLinked((await endpoints.linkAddress({ address: m.from.address, stakeholder_id: p.id })).rematched));
  return (
    <>
      <details class="reader-action">
        <summary>{t('mail.link_sender')}</summary>
        <StakeholderPicker id="link-sender" label={t('mail.link_sender_to', { address: m.from.address })} onPick={(p) => void linkSender(p)} />
        <details class="reader-action" data-testid="sender-create">
          <summary>{t('mail.create_person')}</summary>
          <CreatePersonForm id="sender-new" address={m.from.address} name={m.from.name || ''} hint={m.regions} onDone={(r) => onLinked(r.rematched)} />
        </details>
      </details>
      <LinkRecords m={m} onPatch={onPatch} />
      <details class="reader-action">
        <summary>{t('mail.create_task')}</summary>
        <TaskFromMessage id={m.id} subject={m.subject} />
      </details>
      <details class="reader-action">
        <summary>{t('mail.create_commitment')}</summary>
        <CommitmentFromMessage id={m.id} matched={matched} />
      </details>
      <details class="reader-action">
        <summary>{t('mail.notes')}</summary>
        <Notes m={m} onPatch={onPatch} />
      </details>
    </>
  );
}

function Notes({ m, onPatch }: { m: Message; onPatch: (b: MessagePatch) => Promise<unknown> }) {
  const [notes, setNotes] = useState(m.notes ?? '');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onPatch({ notes, version: m.version }); }}>
      <TextArea id="msg-notes" label={t('mail.notes')} max={limit('message.notes')} value={notes} onValue={setNotes} />
      <button type="submit" class="btn btn-small">{t('common.save')}</button>
    </form>
  );
}

/** LinkRecords links the message to meetings or commitments found through the global search. */
function LinkRecords({ m, onPatch }: { m: Message; onPatch: (b: MessagePatch) => Promise<unknown> }) {
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim(), 250);
  const res = useAsync(() => (dq.length >= 2 ? endpoints.search(dq) : Promise.resolve(null)), [dq]);
  const meetingIds = m.links?.meeting_ids ?? [];
  const commitmentIds = m.links?.commitment_ids ?? [];
  return (
    <details class="reader-action">
      <summary>{t('mail.link_record')}</summary>
      <p class="small muted">{t('mail.linked_count', { m: tn('count.meetings', meetingIds.length), c: tn('count.commitments', commitmentIds.length) })}</p>
      <TextInput id="link-record-q" type="search" label={t('mail.find_record')} value={q} onValue={setQ} />
      {res.data && (
        <ul class="plain-list">
          {res.data.meetings.map((x) => (
            <li key={x.id} class="row">
              <span>{t('search.meeting')}: {formatDateTime(x.starts_at)} – {x.summary.slice(0, 60)}</span>
              <button type="button" class="btn btn-small" disabled={meetingIds.includes(x.id)} onClick={() => void onPatch({ meeting_ids: [...meetingIds, x.id], version: m.version })}>
                {t('mail.link')}
              </button>
            </li>
          ))}
          {res.data.commitments.map((x) => (
            <li key={x.id} class="row">
              <span>{t('search.commitment')}: {x.text.slice(0, 80)}</span>
              <button type="button" class="btn btn-small" disabled={commitmentIds.includes(x.id)} onClick={() => void onPatch({ commitment_ids: [...commitmentIds, x.id], version: m.version })}>
                {t('mail.link')}
              </button>
            </li>
          ))}
          {res.data.meetings.length + res.data.commitments.length === 0 && <li class="muted">{t('search.none')}</li>}
        </ul>
      )}
    </details>
  );
}

/** required marks each empty value as a missing field. */
function required(values: Record<string, unknown>): Errors {
  const v: Errors = {};
  for (const [k, x] of Object.entries(values)) if (!x) v[k] = 'validation.required';
  return v;
}

function TaskFromMessage({ id, subject }: { id: string; subject: string }) {
  const { user } = useSession();
  const team = useTeam();
  const initialTitle = subject ? t('mail.reply_to', { subject }) : '';
  const [title, setTitle] = useState(initialTitle);
  const [due, setDue] = useState(addDays(todayInLima(), 3));
  const [assignee, setAssignee] = useState(user?.id ?? '');
  const { errors, error, run } = useSave();
  const [done, setDone] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    setDone('');
    void run(required({ title: title.trim(), due_on: due }), async () => {
      await endpoints.taskFromMessage(id, { title: title.trim(), due_on: due, assignee_id: assignee || undefined });
      // Confirmed under the button the person just pressed, not at the top of the message.
      setDone(t('mail.task_created_named', { title: title.trim() }));
      // Ready for the next task, not a copy of the last one.
      setTitle(initialTitle);
      setDue(addDays(todayInLima(), 3));
      setAssignee(user?.id ?? '');
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="task-from-message">
      <ErrorBox error={error} />
      <TextInput id="mt-title" label={t('task.title')} max={limit('task.title')} value={title} onValue={setTitle} error={errors.title} required />
      <TextInput id="mt-due" type="date" label={t('task.due_on')} value={due} onValue={setDue} error={errors.due_on} required />
      {team.length > 0 && <Select id="mt-assignee" label={t('task.assignee')} value={assignee} options={teamOptions(team)} onValue={setAssignee} error={errors.assignee_id} />}
      <button type="submit" class="btn btn-small">{t('mail.create_task')}</button>
      {done && <Notice>{done}</Notice>}
    </form>
  );
}

function CommitmentFromMessage({ id, matched }: { id: string; matched: Matched }) {
  const { enums } = useSession();
  const [sh, setSh] = useState<Picked | null>(matched.length === 1 ? { ...matched[0], kind: '' } : null);
  const [text, setText] = useState('');
  const [type, setType] = useState('coordination');
  const [due, setDue] = useState(addDays(todayInLima(), 30));
  const { errors, error, run } = useSave();
  const [done, setDone] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    setDone('');
    void run(required({ stakeholder_id: sh, text: text.trim(), due_on: due }), async () => {
      await endpoints.commitmentFromMessage(id, { stakeholder_id: sh!.id, text: text.trim(), type: type as CommitmentType, due_on: due });
      setDone(t('mail.commitment_created'));
      setText('');
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="commitment-from-message">
      <ErrorBox error={error} />
      {sh ? (
        <p>
          {t('commitment.stakeholder')}: <strong>{sh.name}</strong>{' '}
          <button type="button" class="btn-link" onClick={() => setSh(null)}>{t('common.change')}</button>
        </p>
      ) : (
        <StakeholderPicker id="mc-stakeholder" label={t('commitment.stakeholder')} onPick={setSh} error={errors.stakeholder_id} />
      )}
      <TextArea id="mc-text" label={t('commitment.text')} max={limit('commitment.text')} value={text} onValue={setText} error={errors.text} required rows={2} />
      <Select id="mc-type" label={t('commitment.type')} value={type} options={enumOptions('ctype', enums.commitment_types)} onValue={setType} />
      <TextInput id="mc-due" type="date" label={t('commitment.due_on')} value={due} onValue={setDue} error={errors.due_on} required />
      <button type="submit" class="btn btn-small">{t('mail.create_commitment')}</button>
      {done && <Notice>{done}</Notice>}
    </form>
  );
}

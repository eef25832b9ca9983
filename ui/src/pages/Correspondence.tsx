// Correspondence review: queue with filters, reading pane (sandboxed HTML), thread, links,
// tasks and commitments from a message, bulk status changes, and unmatched addresses.
import { useEffect, useState } from 'preact/hooks';
import { api, endpoints, type CommitmentType, type Message, type ReviewStatus, type UnmatchedAddress } from '../api';
import { Badge } from '../components/Badge';
import { enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { StakeholderPicker, type Picked } from '../components/StakeholderPicker';
import { Empty, ErrorBox, Loading, Notice } from '../components/States';
import { errorMessage, fieldErrorsOf } from '../errors';
import { addDays, formatDateTime, todayInLima } from '../format';
import { useAsync, useDebounced, usePaged, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { mailSrcdoc } from '../mailhtml';
import { Link, useQuery } from '../router';
import { canEdit, canReadBodies, myRegions, useSession } from '../session';
import { CreatePersonForm } from '../components/CreatePersonForm';
import { teamOptions, useTeam } from '../team';
import type { Errors } from '../validation';
import './Correspondence.css';

const QUEUES = ['new', 'follow_up', 'unmatched', 'awaiting_reply', 'all', 'addresses'] as const;

function queueQuery(queue: string) {
  switch (queue) {
    case 'new':
    case 'follow_up':
      return { status: queue };
    case 'unmatched':
      return { unmatched: 'true' };
    case 'awaiting_reply':
      return { awaiting_reply: 'true' };
    default:
      return {};
  }
}

export default function Correspondence() {
  useTitle(t('nav.correspondence'));
  const { user, regions } = useSession();
  const [q, setQuery] = useQuery();
  const queue = (QUEUES as readonly string[]).includes(q.queue) ? q.queue : 'new';
  const [text, setText] = useState(q.q ?? '');
  const dtext = useDebounced(text, 300);
  useEffect(() => {
    if ((q.q ?? '') !== dtext) setQuery({ q: dtext });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dtext]);
  const filters = { ...queueQuery(queue), region: q.region, q: q.q };
  const list = usePaged((cursor) => (queue === 'addresses' ? Promise.resolve({ items: [] as Message[] }) : endpoints.messages({ ...filters, cursor, limit: 50 })), [queue, JSON.stringify(filters)]);
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkStatus, setBulkStatus] = useState('done');
  const [bulkMsg, setBulkMsg] = useState('');
  const [bulkErr, setBulkErr] = useState<unknown>(null);
  const edit = canEdit(user);
  const [countTick, setCountTick] = useState(0);
  const counts = useAsync(() => endpoints.messageCounts({ region: q.region }), [q.region, countTick]);
  const changed = () => {
    list.reload();
    setCountTick((x) => x + 1);
  };

  useEffect(() => setSelected([]), [queue, q.q, q.region]);

  const applyBulk = async () => {
    setBulkErr(null);
    setBulkMsg('');
    try {
      await endpoints.bulkMessageStatus(selected, bulkStatus as ReviewStatus);
      setBulkMsg(t('mail.bulk_done', { n: selected.length }));
      setSelected([]);
      changed();
    } catch (e) {
      setBulkErr(e);
    }
  };

  const toggle = (id: string, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));
  const allOn = list.items.length > 0 && selected.length === list.items.length;

  return (
    <section class={`mail${q.id ? ' mail-has-selection' : ''}`}>
      <div class="page-head">
        <h1>{t('nav.correspondence')}</h1>
      </div>
      <nav class="mail-queues" aria-label={t('mail.queues')}>
        <ul>
          {QUEUES.map((k) => (
            <li key={k}>
              <Link href={`/correspondence?queue=${k}`} aria-current={queue === k ? 'page' : undefined} data-testid={`queue-${k}`}>
                {t(`mail.queue_${k}`)}
                {counts.data && k in counts.data && <span class="mail-count"> ({counts.data[k]})</span>}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {queue === 'addresses' ? (
        <UnmatchedAddresses />
      ) : (
        <div class="mail-split">
          <div class="mail-list">
            <form class="filters" role="search" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
              <TextInput id="mail-q" type="search" label={t('common.search')} value={text} onValue={setText} />
              <Select id="mail-region" label={t('common.region')} value={q.region ?? ''} blank={t('common.any')} options={myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }))} onValue={(v) => setQuery({ region: v })} />
            </form>
            {edit && list.items.length > 0 && (
              <div class="mail-bulk row" role="group" aria-label={t('mail.bulk')}>
                <label class="check">
                  <input type="checkbox" checked={allOn} onChange={(e) => setSelected(e.currentTarget.checked ? list.items.map((m) => m.id) : [])} data-testid="select-all" />
                  {t('mail.select_all')}
                </label>
                <label for="bulk-status" class="sr-only">
                  {t('mail.bulk_status')}
                </label>
                <select id="bulk-status" class="mail-bulk-select" value={bulkStatus} onChange={(e) => setBulkStatus(e.currentTarget.value)}>
                  {['new', 'follow_up', 'done', 'ignored'].map((s) => (
                    <option key={s} value={s}>
                      {te('mstatus', s)}
                    </option>
                  ))}
                </select>
                <button type="button" class="btn btn-small" disabled={selected.length === 0} onClick={() => void applyBulk()} data-testid="bulk-apply">
                  {t('mail.bulk_apply', { n: selected.length })}
                </button>
              </div>
            )}
            {bulkMsg && <Notice>{bulkMsg}</Notice>}
            <ErrorBox error={bulkErr} />
            <ErrorBox error={list.error} onRetry={list.reload} />
            {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('mail.none')}</Empty>}
            <ul class="mail-items" data-testid="message-list">
              {list.items.map((m) => (
                <li key={m.id} class={`mail-item${q.id === m.id ? ' selected' : ''}`} data-testid="message-row" data-id={m.id} data-status={m.status}>
                  {edit && (
                    <input type="checkbox" checked={selected.includes(m.id)} onChange={(e) => toggle(m.id, e.currentTarget.checked)} aria-label={t('mail.select', { subject: m.subject || t('mail.no_subject') })} />
                  )}
                  <Link href={`/correspondence?${new URLSearchParams({ ...q, id: m.id }).toString()}`} class="mail-item-link" aria-current={q.id === m.id ? 'true' : undefined}>
                    <span class="mail-from" data-testid="message-who">
                      {m.stakeholder_names?.length ? m.stakeholder_names.join(', ') : m.from.name || m.from.address}
                      {!!m.stakeholder_names?.length && <span class="small muted"> · {m.from.address}</span>}
                    </span>
                    <span class="mail-subject">{m.subject || t('mail.no_subject')}</span>
                    <span class="small muted">{formatDateTime(m.date)}</span>
                    <span class="mail-flags">
                      <Badge group="mstatus" value={m.status} />
                      {m.unmatched && <span class="badge">{t('mail.unmatched')}</span>}
                      {m.awaiting_reply && <span class="badge">{t('mail.awaiting_reply')}</span>}
                      {m.direction === 'outbound' && <span class="badge">{t('mail.outbound')}</span>}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            {list.loading && <Loading />}
            {list.hasMore && !list.loading && (
              <button type="button" class="btn" onClick={() => void list.more()}>
                {t('common.load_more')}
              </button>
            )}
          </div>
          <div class="mail-pane">
            {q.id ? (
              <Reader key={q.id} id={q.id} onChanged={changed} onClose={() => setQuery({ id: undefined })} />
            ) : (
              <p class="muted mail-pane-empty">{t('mail.pick_one')}</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function Reader({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const { user } = useSession();
  const m = useAsync(() => endpoints.message(id), [id]);
  const thread = useAsync(() => (m.data?.thread_id ? endpoints.thread(m.data.thread_id) : Promise.resolve(null)), [m.data?.thread_id]);
  const names = useAsync(async () => {
    const ids = m.data?.stakeholder_ids ?? [];
    const got = await Promise.all(ids.map((x) => endpoints.stakeholder(x).catch(() => null)));
    return got.filter((s): s is NonNullable<typeof s> => !!s).map((s) => ({ id: s.id, name: s.name }));
  }, [m.data?.stakeholder_ids?.join(',')]);
  const [err, setErr] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const edit = canEdit(user);

  if (m.loading && !m.data) return <Loading />;
  if (m.error || !m.data) return <ErrorBox error={m.error} onRetry={m.reload} />;
  const x = m.data;

  const patch = async (b: Parameters<typeof endpoints.updateMessage>[1]) => {
    setErr(null);
    setNotice('');
    try {
      const n = await endpoints.updateMessage(x.id, b);
      m.setData({ ...x, ...n });
      setNotice(t('common.saved'));
      onChanged();
    } catch (e) {
      setErr(e);
    }
  };

  const linkSender = async (p: Picked) => {
    setErr(null);
    try {
      const r = await endpoints.linkAddress({ address: x.from.address, stakeholder_id: p.id });
      setNotice(t('mail.linked', { n: r.rematched }));
      m.reload();
      onChanged();
    } catch (e) {
      setErr(e);
    }
  };

  const download = (idx: number, name: string) => api.download(`/messages/${x.id}/attachments/${idx}`, {}, name).catch(setErr);
  const others = (thread.data?.messages ?? []).filter((o) => o.id !== x.id);

  return (
    <article class="reader card" aria-labelledby="reader-subject" data-testid="reader" data-id={x.id}>
      <button type="button" class="btn btn-small reader-close" onClick={onClose}>
        ← {t('mail.back_to_list')}
      </button>
      <h2 id="reader-subject">{x.subject || t('mail.no_subject')}</h2>
      <dl class="reader-head small">
        <dt>{t('mail.from')}</dt>
        <dd>
          {x.from.name} &lt;{x.from.address}&gt;
        </dd>
        <dt>{t('mail.to')}</dt>
        <dd>{x.to.map((a) => a.name || a.address).join(', ')}</dd>
        {x.cc?.length > 0 && (
          <>
            <dt>{t('mail.cc')}</dt>
            <dd>{x.cc.map((a) => a.name || a.address).join(', ')}</dd>
          </>
        )}
        <dt>{t('mail.date')}</dt>
        <dd>{formatDateTime(x.date)}</dd>
        <dt>{t('mail.stakeholders')}</dt>
        <dd>
          {names.data?.length ? (
            names.data.map((s, i) => (
              <span key={s.id}>
                {i > 0 && ', '}
                <Link href={`/stakeholders/${s.id}`}>{s.name}</Link>
              </span>
            ))
          ) : (
            <span class="muted">{t('mail.unmatched')}</span>
          )}
        </dd>
      </dl>
      <ErrorBox
        error={err}
        onReload={() => {
          setErr(null);
          m.reload();
        }}
      />
      {notice && <Notice>{notice}</Notice>}

      {edit && (
        <div class="row reader-status">
          <Select
            id="msg-status"
            label={t('mail.status')}
            value={x.status}
            options={enumOptions('mstatus', Array.from(new Set(['new', 'follow_up', 'done', 'ignored', x.status])))}
            onValue={(v) => void patch({ status: v as ReviewStatus, version: x.version })}
          />
        </div>
      )}

      {canReadBodies(user) ? (
        x.html ? (
          <iframe class="reader-body" title={t('mail.body')} sandbox="" referrerpolicy="no-referrer" srcDoc={mailSrcdoc(x.html)} data-testid="message-body" />
        ) : (
          <pre class="reader-text" data-testid="message-body">{x.text || x.snippet}</pre>
        )
      ) : (
        <p class="muted" data-testid="body-hidden">
          {t('mail.body_hidden')}
        </p>
      )}

      {x.attachments?.length > 0 && (
        <section aria-labelledby="att-h">
          <h3 id="att-h">{t('mail.attachments')}</h3>
          <ul class="plain-list">
            {x.attachments.map((a) => (
              <li key={a.index}>
                {canReadBodies(user) ? (
                  <button type="button" class="btn-link" onClick={() => void download(a.index, a.name)}>
                    {a.name}
                  </button>
                ) : (
                  a.name
                )}{' '}
                <span class="small muted">({Math.ceil(a.size / 1024)} KB)</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {others.length > 0 && (
        <section aria-labelledby="thread-h" data-testid="thread">
          <h3 id="thread-h">{t('mail.thread', { n: others.length + 1 })}</h3>
          <ol class="plain-list">
            {thread.data!.messages.map((o) => (
              <li key={o.id} class={o.id === x.id ? 'thread-current' : ''}>
                {o.id === x.id ? (
                  <strong>{o.subject || t('mail.no_subject')}</strong>
                ) : (
                  <Link href={`/correspondence?id=${o.id}`}>{o.subject || t('mail.no_subject')}</Link>
                )}
                <div class="small muted">
                  {o.from.name || o.from.address} · {formatDateTime(o.date)}
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}

      {edit && (
        <>
          <details class="reader-action">
            <summary>{t('mail.link_sender')}</summary>
            <StakeholderPicker id="link-sender" label={t('mail.link_sender_to', { address: x.from.address })} onPick={(p) => void linkSender(p)} />
            <details class="reader-action" data-testid="sender-create">
              <summary>{t('mail.create_person')}</summary>
              <CreatePersonForm
                id="sender-new"
                address={x.from.address}
                name={x.from.name || ''}
                hint={x.regions}
                onDone={(r) => {
                  setNotice(t('mail.linked', { n: r.rematched }));
                  m.reload();
                  onChanged();
                }}
              />
            </details>
          </details>
          <LinkRecords m={x} onPatch={patch} />
          <details class="reader-action">
            <summary>{t('mail.create_task')}</summary>
            <TaskFromMessage id={x.id} subject={x.subject} onDone={(s) => setNotice(s)} />
          </details>
          <details class="reader-action">
            <summary>{t('mail.create_commitment')}</summary>
            <CommitmentFromMessage id={x.id} matched={names.data ?? []} onDone={(s) => setNotice(s)} />
          </details>
          <details class="reader-action">
            <summary>{t('mail.notes')}</summary>
            <Notes m={x} onPatch={patch} />
          </details>
        </>
      )}
    </article>
  );
}

function Notes({ m, onPatch }: { m: Message; onPatch: (b: Parameters<typeof endpoints.updateMessage>[1]) => Promise<void> }) {
  const [notes, setNotes] = useState(m.notes ?? '');
  return (
    <form onSubmit={(e) => { e.preventDefault(); void onPatch({ notes, version: m.version }); }}>
      <TextArea id="msg-notes" label={t('mail.notes')} value={notes} onValue={setNotes} />
      <button type="submit" class="btn btn-small">{t('common.save')}</button>
    </form>
  );
}

/** LinkRecords links the message to meetings or commitments found through the global search. */
function LinkRecords({ m, onPatch }: { m: Message; onPatch: (b: Parameters<typeof endpoints.updateMessage>[1]) => Promise<void> }) {
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim(), 250);
  const res = useAsync(() => (dq.length >= 2 ? endpoints.search(dq) : Promise.resolve(null)), [dq]);
  const meetingIds = m.links?.meeting_ids ?? [];
  const commitmentIds = m.links?.commitment_ids ?? [];
  return (
    <details class="reader-action">
      <summary>{t('mail.link_record')}</summary>
      <p class="small muted">{t('mail.linked_count', { m: meetingIds.length, c: commitmentIds.length })}</p>
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

function TaskFromMessage({ id, subject, onDone }: { id: string; subject: string; onDone: (s: string) => void }) {
  const { user } = useSession();
  const team = useTeam();
  const initialTitle = subject ? t('mail.reply_to', { subject }) : '';
  const [title, setTitle] = useState(initialTitle);
  const [due, setDue] = useState(addDays(todayInLima(), 3));
  const [assignee, setAssignee] = useState(user?.id ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [err, setErr] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const v: Errors = {};
    if (!title.trim()) v.title = 'validation.required';
    if (!due) v.due_on = 'validation.required';
    setErrors(v);
    if (Object.keys(v).length) return;
    try {
      await endpoints.taskFromMessage(id, { title: title.trim(), due_on: due, assignee_id: assignee || undefined });
      onDone(t('mail.task_created'));
      setErr(null);
      // Ready for the next task, not a copy of the last one.
      setTitle(initialTitle);
      setDue(addDays(todayInLima(), 3));
      setAssignee(user?.id ?? '');
    } catch (x) {
      setErr(x);
      setErrors(fieldErrorsOf(x));
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="task-from-message">
      <ErrorBox error={err} />
      <TextInput id="mt-title" label={t('task.title')} value={title} onValue={setTitle} error={errors.title} required />
      <TextInput id="mt-due" type="date" label={t('task.due_on')} value={due} onValue={setDue} error={errors.due_on} required />
      {team.length > 0 && <Select id="mt-assignee" label={t('task.assignee')} value={assignee} options={teamOptions(team)} onValue={setAssignee} error={errors.assignee_id} />}
      <button type="submit" class="btn btn-small">{t('mail.create_task')}</button>
    </form>
  );
}

function CommitmentFromMessage({ id, matched, onDone }: { id: string; matched: { id: string; name: string }[]; onDone: (s: string) => void }) {
  const { enums } = useSession();
  const [sh, setSh] = useState<Picked | null>(matched.length === 1 ? { ...matched[0], kind: '' } : null);
  const [text, setText] = useState('');
  const [type, setType] = useState('coordination');
  const [due, setDue] = useState(addDays(todayInLima(), 30));
  const [errors, setErrors] = useState<Errors>({});
  const [err, setErr] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const v: Errors = {};
    if (!sh) v.stakeholder_id = 'validation.required';
    if (!text.trim()) v.text = 'validation.required';
    if (!due) v.due_on = 'validation.required';
    setErrors(v);
    if (Object.keys(v).length) return;
    try {
      await endpoints.commitmentFromMessage(id, { stakeholder_id: sh!.id, text: text.trim(), type: type as CommitmentType, due_on: due });
      onDone(t('mail.commitment_created'));
      setErr(null);
    } catch (x) {
      setErr(x);
      setErrors(fieldErrorsOf(x));
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="commitment-from-message">
      <ErrorBox error={err} />
      {sh ? (
        <p>
          {t('commitment.stakeholder')}: <strong>{sh.name}</strong>{' '}
          <button type="button" class="btn-link" onClick={() => setSh(null)}>{t('common.change')}</button>
        </p>
      ) : (
        <StakeholderPicker id="mc-stakeholder" label={t('commitment.stakeholder')} onPick={setSh} error={errors.stakeholder_id} />
      )}
      <TextArea id="mc-text" label={t('commitment.text')} value={text} onValue={setText} error={errors.text} required rows={2} />
      <Select id="mc-type" label={t('commitment.type')} value={type} options={enumOptions('ctype', enums.commitment_types)} onValue={setType} />
      <TextInput id="mc-due" type="date" label={t('commitment.due_on')} value={due} onValue={setDue} error={errors.due_on} required />
      <button type="submit" class="btn btn-small">{t('mail.create_commitment')}</button>
    </form>
  );
}

function UnmatchedAddresses() {
  const { user } = useSession();
  const list = useAsync(() => endpoints.unmatchedAddresses(), []);
  const [open, setOpen] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState('');
  const edit = canEdit(user);
  const [creating, setCreating] = useState<string | null>(null);

  const done = (a: UnmatchedAddress, r: { rematched: number }) => {
    setMsg(t('mail.address_linked', { address: a.address, n: r.rematched }));
    setOpen(null);
    list.setData({ items: (list.data?.items ?? []).filter((x) => x.address !== a.address) });
  };
  const linkExisting = async (a: UnmatchedAddress, p: Picked) => {
    setErr('');
    try {
      done(a, await endpoints.linkAddress({ address: a.address, stakeholder_id: p.id }));
    } catch (e) {
      setErr(errorMessage(e));
    }
  };

  if (list.loading) return <Loading />;
  return (
    <section aria-labelledby="ua-h" data-testid="unmatched-addresses">
      <h2 id="ua-h">{t('mail.queue_addresses')}</h2>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {msg && <Notice>{msg}</Notice>}
      {err && <p role="alert" class="field-error">{err}</p>}
      {!list.error && !list.data?.items.length && <Empty>{t('mail.no_addresses')}</Empty>}
      {!!list.data?.items.length && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('mail.address')}</th>
                <th scope="col">{t('mail.count')}</th>
                <th scope="col" class="hide-narrow">{t('mail.last_at')}</th>
                {edit && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.address} data-testid="address-row" data-address={a.address}>
                  <td>
                    {a.name && <div>{a.name}</div>}
                    <span class="small">{a.address}</span>
                  </td>
                  <td>{a.count}</td>
                  <td class="hide-narrow">{formatDateTime(a.last_at)}</td>
                  {edit && (
                    <td>
                      <div class="row">
                        <button type="button" class="btn btn-small" aria-expanded={open === a.address} onClick={() => setOpen(open === a.address ? null : a.address)}>
                          {t('mail.link_existing')}
                        </button>
                        <button type="button" class="btn btn-small" aria-expanded={creating === a.address} onClick={() => setCreating(creating === a.address ? null : a.address)} data-testid="create-from-address">
                          {t('mail.create_person')}
                        </button>
                      </div>
                      {creating === a.address && (
                        <CreatePersonForm
                          id={`ua-new-${a.address.replace(/[^a-z0-9]/gi, '-')}`}
                          address={a.address}
                          name={a.name || ''}
                          onDone={(r) => {
                            setCreating(null);
                            done(a, r);
                          }}
                        />
                      )}
                      {open === a.address && <StakeholderPicker id={`ua-${a.address.replace(/[^a-z0-9]/gi, '-')}`} label={t('mail.link_to', { address: a.address })} onPick={(p) => void linkExisting(a, p)} />}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

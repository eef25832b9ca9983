// The outbox: meetings saved on the device (no signal, or with people created offline) wait
// here, shown as "pendiente de envío", and are sent by themselves when the signal returns.
// Each item has its own id, the base of the Idempotency-Key of every request it makes (one per new
// person, one for the meeting), so a retry after a lost answer never records anything twice.
// The server keeps a key for a day only: an item that may already have reached the server and
// waited longer is held for the user to check, never resent blindly (it would save twice).
// Items are never dropped: validation errors and conflicts stay on the item for the user.
// Besides meetings, an item may hold one other write (an initiative created, a stage change):
// the same keys, states and review apply; only the request differs.
// The outbox is kept per user and survives sign-out, until the same user signs in again.
import { api, ApiError, type MeetingCreate, type Meeting, type Stakeholder } from '../api';
import { newKey } from '../idempotency';
import { idb } from './db';
import { limaLocalInput } from '../format';
import type { MeetingDraft } from '../validation';

export const TEMP_PREFIX = 'tmp-';

export interface NewPerson {
  tempId: string;
  name: string;
  regions: string[];
  createdId?: string; // set once the server created it
}

export type OutboxState = 'pending' | 'invalid' | 'conflict';

/** Write is a single POST kept in the outbox (not a meeting): what it is, in words, and its page. */
export interface Write {
  path: string;
  body: unknown;
  /** what the person saved, shown in the outbox ("Cambio de etapa: …") */
  what: string;
  /** the page to look at it (or fix it) once sent or refused */
  href: string;
}

export interface OutboxItem {
  id: string;
  /** base of the item's idempotency keys: its id, or a new one once the user confirmed a resend */
  keyBase?: string;
  createdAt: string;
  /** the meeting to create; absent on a write item */
  body?: MeetingCreate;
  write?: Write;
  people: NewPerson[];
  state: OutboxState;
  attempts: number;
  /** a request under the current keys may have reached the server (its answer was lost) */
  maybeSent?: boolean;
  /** when the first such request was sent: the server's record of it lasts a day from then on */
  sentAt?: string;
  error?: { status: number; title: string; detail: string; fields: Record<string, string>; code?: string };
  /** the form as the user left it, so a refused meeting opens again as a draft */
  draft?: MeetingDraft;
}

/** MAYBE_SENT is the error code of an item held for review: it may already be saved, and its keys expired. */
export const MAYBE_SENT = 'maybe_sent';
/** KEY_TTL_MS is how long a resend under the same key is safe: the server keeps keys 24 h. */
export const KEY_TTL_MS = 23 * 60 * 60 * 1000;

const key = (userId: string) => `outbox:${userId}`;
const peopleKey = (userId: string) => `people:${userId}`;
const listeners = new Set<() => void>();

/** onChange calls fn whenever an outbox changes (this tab). */
export function onChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
const changed = () => listeners.forEach((fn) => fn());
const sentListeners = new Set<(m: Meeting, it: OutboxItem) => void>();
const writeListeners = new Set<(answer: { id?: string } | undefined, it: OutboxItem) => void>();
/** onWriteSent calls fn for every write item the outbox delivered (this tab), with the server's answer. */
export function onWriteSent(fn: (answer: { id?: string } | undefined, it: OutboxItem) => void): () => void {
  writeListeners.add(fn);
  return () => writeListeners.delete(fn);
}

/** onSent calls fn for every meeting the outbox delivered (this tab): to confirm it and refresh lists. */
export function onSent(fn: (m: Meeting, it: OutboxItem) => void): () => void {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

export async function list(userId: string): Promise<OutboxItem[]> {
  return (await idb.get<OutboxItem[]>(key(userId))) ?? [];
}

async function save(userId: string, items: OutboxItem[]) {
  await idb.set(key(userId), items);
  changed();
}

async function update(userId: string, id: string, fn: (it: OutboxItem) => OutboxItem | null) {
  const items = await list(userId);
  const out: OutboxItem[] = [];
  for (const it of items) {
    if (it.id !== id) out.push(it);
    else {
      const x = fn(it);
      if (x) out.push(x);
    }
  }
  await save(userId, out);
}

/** rememberPerson keeps a person created without signal until the meeting that names them is queued. */
export async function rememberPerson(userId: string, name: string, regions: string[]): Promise<NewPerson> {
  const p: NewPerson = { tempId: TEMP_PREFIX + newKey(), name, regions };
  const all = (await idb.get<NewPerson[]>(peopleKey(userId))) ?? [];
  await idb.set(peopleKey(userId), [...all, p]);
  return p;
}

export function hasTempIds(b: MeetingCreate): boolean {
  return b.participants.some((p) => p.stakeholder_id.startsWith(TEMP_PREFIX));
}

/** meetingKey is the Idempotency-Key of an outbox item's meeting request (keyBase: the item's key base). */
export const meetingKey = (keyBase: string) => `${keyBase}:meeting`;
const keyBaseOf = (it: OutboxItem) => it.keyBase ?? it.id;
// Items stored before maybeSent existed: any attempt may have reached the server.
const mayBeSaved = (it: OutboxItem) => it.maybeSent ?? it.attempts > 0;

/** personBody is the stakeholder a person created in the meeting form starts as. */
export const personBody = (name: string, regions: string[]) => ({ kind: 'person', name, regions, stance: 'unknown', influence: 'medium' }) as const;

/**
 * enqueue puts a meeting in the outbox with the people created offline that
 * it names. sent is given when a direct save already sent the meeting under
 * meetingKey(sent.id) at sent.at and lost the answer: the outbox then repeats
 * that request (the server replays it) while the server still keeps the key.
 */
export async function enqueue(userId: string, body: MeetingCreate, sent?: { id: string; at: string }, draft?: MeetingDraft): Promise<OutboxItem> {
  const people = ((await idb.get<NewPerson[]>(peopleKey(userId))) ?? []).filter((p) => body.participants.some((x) => x.stakeholder_id === p.tempId));
  const item: OutboxItem = { id: sent?.id ?? newKey(), createdAt: new Date().toISOString(), body, people, state: 'pending', attempts: 0, ...(sent && { maybeSent: true, sentAt: sent.at }), ...(draft && { draft }) };
  await save(userId, [...(await list(userId)), item]);
  return item;
}

/** writeKey is the Idempotency-Key of an outbox write item's request. */
export const writeKey = (keyBase: string) => `${keyBase}:write`;

/**
 * enqueueWrite puts one write (not a meeting) in the outbox; sent as in enqueue: given when a
 * direct send under writeKey(sent.id) lost its answer.
 */
export async function enqueueWrite(userId: string, write: Write, sent?: { id: string; at: string }): Promise<OutboxItem> {
  const item: OutboxItem = { id: sent?.id ?? newKey(), createdAt: new Date().toISOString(), write, people: [], state: 'pending', attempts: 0, ...(sent && { maybeSent: true, sentAt: sent.at }) };
  await save(userId, [...(await list(userId)), item]);
  return item;
}

/** discard removes an item the user chose to give up. */
export function discard(userId: string, id: string): Promise<void> {
  return update(userId, id, () => null);
}

/**
 * retry puts an item with an error back in line (after the user fixed the
 * cause). An item held because it may already be saved is sent under new
 * keys: the user checked the meetings and confirmed it is missing.
 */
export function retry(userId: string, id: string): Promise<void> {
  return update(userId, id, (it) =>
    it.error?.code === MAYBE_SENT
      ? { ...it, state: 'pending', error: undefined, keyBase: newKey(), maybeSent: false, sentAt: undefined }
      : { ...it, state: 'pending', error: undefined },
  );
}

/**
 * take removes a refused item from the outbox and gives it back, to be opened
 * in the form as a draft (nothing is lost: the form keeps its draft itself).
 * Only refused items are taken: a pending one may be on its way.
 */
export async function take(userId: string, id: string): Promise<OutboxItem | null> {
  const it = (await list(userId)).find((x) => x.id === id);
  if (!it || it.state !== 'invalid') return null;
  await discard(userId, id);
  return it;
}

/**
 * draftOf is the meeting form's draft for an outbox item: the form as it was
 * saved when the item keeps it (older items: rebuilt from the request, names
 * from names), with the people the server has created since by their real ids.
 */
export function draftOf(it: OutboxItem, names: Map<string, string> = new Map()): MeetingDraft {
  const id = idMap(it.people);
  const name = (x: string) => names.get(x) ?? it.people.find((p) => p.tempId === x)?.name ?? '';
  const b = it.body ?? ({ participants: [], commitments: [], tasks: [] } as unknown as MeetingCreate);
  const d: MeetingDraft = it.draft ?? {
    starts_at: b.starts_at ? limaLocalInput(new Date(b.starts_at)) : '',
    duration_min: String(b.duration_min ?? ''),
    kind: b.kind,
    region: b.region,
    place: b.place ?? '',
    participants: b.participants.map((p) => ({ stakeholder_id: p.stakeholder_id, name: name(p.stakeholder_id), role: p.role ?? '' })),
    topics: (b.topics ?? []) as string[],
    summary: b.summary ?? '',
    agreements: b.agreements ?? '',
    next_steps: b.next_steps ?? '',
    commitments: (b.commitments ?? []).map((c) => ({ stakeholder_id: c.stakeholder_id, text: c.text, type: c.type, due_on: c.due_on ?? '' })),
    tasks: (b.tasks ?? []).map((tk) => ({ title: tk.title, due_on: tk.due_on ?? '', assignee_id: tk.assignee_id ?? '' })),
  };
  return {
    ...d,
    participants: d.participants.map((p) => ({ ...p, stakeholder_id: id(p.stakeholder_id) })),
    commitments: d.commitments.map((c) => ({ ...c, stakeholder_id: id(c.stakeholder_id) })),
  };
}

const idMap = (people: NewPerson[]) => {
  const map = new Map(people.filter((p) => p.createdId).map((p) => [p.tempId, p.createdId as string]));
  return (x: string) => map.get(x) ?? x;
};

function withIds(b: MeetingCreate, people: NewPerson[]): MeetingCreate {
  const id = idMap(people);
  return {
    ...b,
    participants: b.participants.map((p) => ({ ...p, stakeholder_id: id(p.stakeholder_id) })),
    commitments: b.commitments?.map((c) => ({ ...c, stakeholder_id: id(c.stakeholder_id) })),
  };
}

export interface FlushResult {
  sent: Meeting[];
  stopped?: 'offline' | 'signed_out';
}

let running: Promise<FlushResult> | null = null;

/** flush sends the pending items in order, one at a time in this browser (all tabs). */
export function flush(userId: string): Promise<FlushResult> {
  running ??= (async () => {
    try {
      const run = () => flushNow(userId);
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      return locks ? await locks.request(`alianza-outbox-${userId}`, run) : await run();
    } finally {
      running = null;
    }
  })();
  return running;
}

async function flushNow(userId: string): Promise<FlushResult> {
  const res: FlushResult = { sent: [] };
  for (const start of await list(userId)) {
    if (start.state !== 'pending') continue;
    const before = { maybeSent: mayBeSaved(start), sentAt: start.sentAt };
    if (before.maybeSent && Date.now() - Date.parse(start.sentAt ?? start.createdAt) > KEY_TTL_MS) {
      // The server forgot the key: a resend would save the meeting a second time.
      const held: OutboxItem = { ...start, maybeSent: true, state: 'conflict', error: { status: 0, title: MAYBE_SENT, detail: '', fields: {}, code: MAYBE_SENT } };
      await update(userId, start.id, () => held);
      continue;
    }
    // From the moment a request leaves it may be saved, even if this page closes before the answer.
    const sentAt = before.maybeSent ? (start.sentAt ?? start.createdAt) : new Date().toISOString();
    let it: OutboxItem = { ...start, attempts: start.attempts + 1, maybeSent: true, sentAt };
    await update(userId, it.id, () => it);
    const base = keyBaseOf(it);
    try {
      if (it.write) {
        const answer = await api.request<{ id?: string } | undefined>('POST', it.write.path, { body: it.write.body, idempotencyKey: writeKey(base) });
        await update(userId, it.id, () => null);
        writeListeners.forEach((fn) => fn(answer, it));
        continue;
      }
      for (const p of it.people) {
        if (p.createdId) continue;
        const s = await api.request<Stakeholder>('POST', '/stakeholders', {
          body: personBody(p.name, p.regions),
          idempotencyKey: `${base}:person:${p.tempId}`,
        });
        p.createdId = s.id;
        // Keep what was created, so a later attempt never creates the person again.
        await update(userId, it.id, () => it);
      }
      const m = await api.request<Meeting>('POST', '/meetings', { body: withIds(it.body!, it.people), idempotencyKey: meetingKey(base) });
      await update(userId, it.id, () => null);
      res.sent.push(m);
      sentListeners.forEach((fn) => fn(m, it));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ status: 0, title: 'network', detail: String(e) });
      // No answer (or the server still running an earlier send of the same key): it may be
      // saved; try later under the same key, which the server replays.
      if (err.status === 0 || err.status >= 500 || err.code === 'idempotency_in_flight') {
        res.stopped = 'offline';
        return res;
      }
      // Turned away before being run: nothing changed.
      if (err.status === 429 || err.status === 401) {
        await update(userId, it.id, () => ({ ...it, ...before }));
        res.stopped = err.status === 401 ? 'signed_out' : 'offline';
        return res;
      }
      // A refusal under this key means nothing was saved under it (the server replays successes).
      const state: OutboxState = err.status === 409 ? 'conflict' : 'invalid';
      it = { ...it, maybeSent: false, sentAt: undefined, state, error: { status: err.status, title: err.title, detail: err.detail, fields: err.fieldErrors() } };
      await update(userId, it.id, () => it);
    }
  }
  return res;
}

// The outbox: meetings saved on the device (no signal, or with people created offline) wait
// here, shown as "pendiente de envío", and are sent by themselves when the signal returns.
// Each item has its own id, used as the Idempotency-Key of every request it makes (one per new
// person, one for the meeting), so a retry after a lost answer never records anything twice.
// Items are never dropped: validation errors and conflicts stay on the item for the user.
// The outbox is kept per user and survives sign-out, until the same user signs in again.
import { api, ApiError, type MeetingCreate, type Meeting, type Stakeholder } from '../api';
import { idb } from './db';

export const TEMP_PREFIX = 'tmp-';

export interface NewPerson {
  tempId: string;
  name: string;
  regions: string[];
  createdId?: string; // set once the server created it
}

export type OutboxState = 'pending' | 'invalid' | 'conflict';

export interface OutboxItem {
  id: string;
  createdAt: string;
  body: MeetingCreate;
  people: NewPerson[];
  state: OutboxState;
  attempts: number;
  error?: { status: number; title: string; detail: string; fields: Record<string, string> };
}

const key = (userId: string) => `outbox:${userId}`;
const peopleKey = (userId: string) => `people:${userId}`;
const listeners = new Set<() => void>();

/** onChange calls fn whenever an outbox changes (this tab). */
export function onChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
const changed = () => listeners.forEach((fn) => fn());

export function newId(): string {
  return crypto.randomUUID();
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
  const p: NewPerson = { tempId: TEMP_PREFIX + newId(), name, regions };
  const all = (await idb.get<NewPerson[]>(peopleKey(userId))) ?? [];
  await idb.set(peopleKey(userId), [...all, p]);
  return p;
}

export function hasTempIds(b: MeetingCreate): boolean {
  return b.participants.some((p) => p.stakeholder_id.startsWith(TEMP_PREFIX));
}

/** meetingKey is the Idempotency-Key of an outbox item's meeting request. */
export const meetingKey = (itemId: string) => `${itemId}:meeting`;

/**
 * enqueue puts a meeting in the outbox with the people created offline that
 * it names. id is given when a direct save already sent the meeting under
 * meetingKey(id) and lost the answer: the outbox then repeats that request.
 */
export async function enqueue(userId: string, body: MeetingCreate, id: string = newId()): Promise<OutboxItem> {
  const people = ((await idb.get<NewPerson[]>(peopleKey(userId))) ?? []).filter((p) => body.participants.some((x) => x.stakeholder_id === p.tempId));
  const item: OutboxItem = { id, createdAt: new Date().toISOString(), body, people, state: 'pending', attempts: 0 };
  await save(userId, [...(await list(userId)), item]);
  return item;
}

/** discard removes an item the user chose to give up. */
export function discard(userId: string, id: string): Promise<void> {
  return update(userId, id, () => null);
}

/** retry puts an item with an error back in line (after the user fixed the cause). */
export function retry(userId: string, id: string): Promise<void> {
  return update(userId, id, (it) => ({ ...it, state: 'pending', error: undefined }));
}

function withIds(b: MeetingCreate, people: NewPerson[]): MeetingCreate {
  const map = new Map(people.filter((p) => p.createdId).map((p) => [p.tempId, p.createdId as string]));
  const id = (x: string) => map.get(x) ?? x;
  return {
    ...b,
    participants: b.participants.map((p) => ({ ...p, stakeholder_id: id(p.stakeholder_id) })),
    commitments: b.commitments.map((c) => ({ ...c, stakeholder_id: id(c.stakeholder_id) })),
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
    let it = { ...start, attempts: start.attempts + 1 };
    try {
      for (const p of it.people) {
        if (p.createdId) continue;
        const s = await api.request<Stakeholder>('POST', '/stakeholders', {
          body: { kind: 'person', name: p.name, regions: p.regions, stance: 'unknown', influence: 'medium' },
          idempotencyKey: `${it.id}:person:${p.tempId}`,
        });
        p.createdId = s.id;
        // Keep what was created, so a later attempt never creates the person again.
        await update(userId, it.id, () => it);
      }
      const m = await api.request<Meeting>('POST', '/meetings', { body: withIds(it.body, it.people), idempotencyKey: meetingKey(it.id) });
      await update(userId, it.id, () => null);
      res.sent.push(m);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ status: 0, title: 'network', detail: String(e) });
      // The server still running an earlier send of the same key is no conflict: try later.
      if (err.status === 0 || err.status >= 500 || err.status === 429 || err.code === 'idempotency_in_flight') {
        await update(userId, it.id, () => it);
        res.stopped = 'offline';
        return res;
      }
      if (err.status === 401) {
        res.stopped = 'signed_out';
        return res;
      }
      const state: OutboxState = err.status === 409 ? 'conflict' : 'invalid';
      it = { ...it, state, error: { status: err.status, title: err.title, detail: err.detail, fields: err.fieldErrors() } };
      await update(userId, it.id, () => it);
    }
  }
  return res;
}

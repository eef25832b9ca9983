// Saving and searching that keep working without signal: online they call the API; offline
// (or when the network fails) they use the device's cache and outbox.
import { ApiError, endpoints, type Initiative, type InitiativeInput, type Meeting, type MeetingCreate, type Page, type StageChangeInput, type Task } from '../api';

export interface Found {
  id: string;
  name: string;
  kind: string;
}
import { getSession } from '../session';
import type { MeetingDraft } from '../validation';
import { initiativesView, readKept, type Kept } from './views';
import { fold, loadCache, searchCached } from './cache';
import { newKey } from '../idempotency';
import { enqueue, enqueueWrite, flush, hasTempIds, meetingKey, personBody, rememberPerson, writeKey, type OutboxItem, type Write } from './outbox';

const offlineError = (e: unknown) => e instanceof ApiError && e.status === 0;
const uid = () => getSession().user?.id ?? '';

/** saveMeeting posts the meeting, or queues it when there is no signal or it names people created offline. */
export async function saveMeeting(body: MeetingCreate, draft?: MeetingDraft): Promise<{ meeting?: Meeting; queued?: OutboxItem }> {
  const userId = uid();
  // One id names the save: a direct send whose answer is lost goes to the
  // outbox under the same Idempotency-Key, so the server records it once.
  let sent: { id: string; at: string } | undefined;
  if (navigator.onLine && !hasTempIds(body)) {
    sent = { id: newKey(), at: new Date().toISOString() };
    try {
      return { meeting: await endpoints.createMeeting(body, meetingKey(sent.id)) };
    } catch (e) {
      if (!offlineError(e)) throw e;
    }
  }
  const queued = await enqueue(userId, body, sent, draft);
  if (navigator.onLine) void flush(userId);
  return { queued };
}

/** searchStakeholders asks the server, or the cache when offline. */
export async function searchStakeholders(q: string, kind: string | undefined, signal: AbortSignal): Promise<Found[]> {
  if (navigator.onLine) {
    try {
      return (await endpoints.stakeholders({ q, limit: 10, kind }, signal)).items ?? [];
    } catch (e) {
      if (!offlineError(e)) throw e;
    }
  }
  return searchCached(await loadCache(uid()), q, kind);
}

/** myOpenTasks lists the user's open tasks, from the device's copy when there is no signal. */
export async function myOpenTasks(): Promise<Page<Task> & Kept> {
  try {
    return await endpoints.tasks({ mine: true, done: 'false', limit: 50 });
  } catch (e) {
    const data = offlineError(e) ? await loadCache(uid()) : undefined;
    if (!data) throw e;
    return { items: data.tasks, savedAt: data.savedAt };
  }
}

/** createPerson creates a person, or keeps one on the device (temporary id) when offline. */
export async function createPerson(name: string, regions: string[]): Promise<Found> {
  if (navigator.onLine) {
    try {
      const s = await endpoints.createStakeholder(personBody(name, regions));
      return { id: s.id, name: s.name, kind: s.kind };
    } catch (e) {
      if (!offlineError(e)) throw e;
    }
  }
  const p = await rememberPerson(uid(), name, regions);
  return { id: p.tempId, name: p.name, kind: 'person' };
}

/** NEW_RECORD is the href of a queued write that creates a record: its page is known once sent. */
export const NEW_RECORD = 'new';

/**
 * sendOrQueue posts one write online under a key named by its save; without signal, or when the
 * answer is lost, the outbox sends it again later under the same key (the server replays it).
 */
async function sendOrQueue<T>(write: Write, send: (key: string) => Promise<T>): Promise<{ saved?: T; queued?: OutboxItem }> {
  const userId = uid();
  let sent: { id: string; at: string } | undefined;
  if (navigator.onLine) {
    sent = { id: newKey(), at: new Date().toISOString() };
    try {
      return { saved: await send(writeKey(sent.id)) };
    } catch (e) {
      if (!offlineError(e)) throw e;
    }
  }
  const queued = await enqueueWrite(userId, write, sent);
  if (navigator.onLine) void flush(userId);
  return { queued };
}

/** saveStageChange moves an initiative to a stage, or queues the change without signal. */
export function saveStageChange(it: Initiative, body: StageChangeInput, what: string) {
  const path = `/initiatives/${it.id}/stage`;
  return sendOrQueue<Initiative>({ path, body, what, href: `/initiatives/${it.id}` }, (key) => endpoints.setInitiativeStage(it.id, body, key));
}

/** saveNewInitiative creates an initiative, or queues it without signal. */
export function saveNewInitiative(body: InitiativeInput) {
  return sendOrQueue<Initiative>({ path: '/initiatives', body, what: body.title, href: NEW_RECORD }, (key) => endpoints.createInitiative(body, key));
}

/**
 * searchInitiatives finds initiatives by words of their title or their number: the server
 * online, the device's copy of the list without signal.
 */
export async function searchInitiatives(q: string, signal?: AbortSignal): Promise<Initiative[]> {
  if (navigator.onLine) {
    try {
      return (await endpoints.initiatives({ q, limit: 10 }, signal)).items ?? [];
    } catch (e) {
      if (!offlineError(e)) throw e;
    }
  }
  const kept = await readKept<Page<Initiative>>(uid(), initiativesView({}));
  const words = fold(q).split(/\s+/).filter(Boolean);
  return (kept?.items ?? []).filter((x) => words.every((w) => fold(`${x.title} ${x.number ?? ''}`).includes(w))).slice(0, 10);
}

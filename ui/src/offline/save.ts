// Saving and searching that keep working without signal: online they call the API; offline
// (or when the network fails) they use the device's cache and outbox.
import { ApiError, endpoints, type Meeting, type MeetingCreate, type Page, type Task } from '../api';

export interface Found {
  id: string;
  name: string;
  kind: string;
}
import { getSession } from '../session';
import type { MeetingDraft } from '../validation';
import type { Kept } from './views';
import { loadCache, searchCached } from './cache';
import { newKey } from '../idempotency';
import { enqueue, flush, hasTempIds, meetingKey, personBody, rememberPerson, type OutboxItem } from './outbox';

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

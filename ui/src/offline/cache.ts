// What a user needs to log a meeting without signal, kept on the device and refreshed while
// online: the stakeholders they may see (only what GET /stakeholders answers them: their regions),
// regions, enums and their open tasks. Cleared on sign-out.
import { endpoints, type Enums, type Region, type Task } from '../api';
import { idb } from './db';
import { initiativesView, meetingsView, readThrough } from './views';

export interface CachedStakeholder {
  id: string;
  name: string;
  kind: string;
  regions: string[];
}

export interface OfflineData {
  userId: string;
  savedAt: string;
  stakeholders: CachedStakeholder[];
  regions: Region[];
  enums: Enums;
  tasks: Task[];
}

const key = (userId: string) => `data:${userId}`;

/** refreshCache downloads the user's working set and stores it; returns its size in bytes (JSON). */
export async function refreshCache(userId: string, regions: Region[], enums: Enums): Promise<number> {
  const stakeholders: CachedStakeholder[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const p = await endpoints.stakeholders({ limit: 200, cursor });
    for (const s of p.items) stakeholders.push({ id: s.id, name: s.name, kind: s.kind, regions: s.regions });
    cursor = p.next_cursor || undefined;
    if (!cursor) break;
  }
  const tasks = (await endpoints.tasks({ mine: true, done: 'false', limit: 200 })).items;
  // The meetings list opens without signal even if it was never opened online.
  await readThrough(userId, meetingsView({}), () => endpoints.meetings({ limit: 50 }));
  const data: OfflineData = { userId, savedAt: new Date().toISOString(), stakeholders, regions, enums, tasks };
  await idb.set(key(userId), data);
  // So do the initiatives, whose list also feeds the meeting form's initiative search offline;
  // kept after the working set, which does not depend on it.
  await readThrough(userId, initiativesView({}), () => endpoints.initiatives({ limit: 50 }));
  return JSON.stringify(data).length;
}

/** REFRESH_MS is how old the device's copy may get before it is downloaded again. */
export const REFRESH_MS = 10 * 60_000;
// Without navigator.locks, a tab marks the refresh it runs here; a mark this old is a tab that died.
const RUNNING_MAX_MS = 5 * 60_000;
const runningKey = (userId: string) => `alianza.offline.refreshing.${userId}`;

/**
 * refreshIfStale refreshes the cache unless it is younger than maxAge (and
 * this user's) or another tab of this browser is refreshing it: every tab
 * runs it on load and on a timer, and the whole list is large. Returns the
 * bytes stored, or null when it skipped the download.
 */
export async function refreshIfStale(userId: string, regions: Region[], enums: Enums, maxAge = REFRESH_MS): Promise<number | null> {
  const run = async () => {
    const d = await loadCache(userId);
    if (d && d.userId === userId && Date.now() - Date.parse(d.savedAt) < maxAge) return null;
    return refreshCache(userId, regions, enums);
  };
  const locks = (navigator as Navigator & { locks?: LockManager | null }).locks;
  if (locks) return locks.request(`alianza-cache-${userId}`, { ifAvailable: true }, (lock) => (lock ? run() : null));
  let mark: string | null = null;
  try {
    mark = localStorage.getItem(runningKey(userId));
  } catch {
    /* storage blocked: refresh */
  }
  if (mark && Date.now() - Number(mark) < RUNNING_MAX_MS) return null;
  const mine = String(Date.now());
  try {
    localStorage.setItem(runningKey(userId), mine);
  } catch {
    /* ignore */
  }
  try {
    return await run();
  } finally {
    try {
      if (localStorage.getItem(runningKey(userId)) === mine) localStorage.removeItem(runningKey(userId));
    } catch {
      /* ignore */
    }
  }
}

export function loadCache(userId: string): Promise<OfflineData | undefined> {
  return idb.get<OfflineData>(key(userId));
}

export function clearCache(userId: string): Promise<void> {
  return idb.del(key(userId));
}

/** fold lowercases and drops accents, as the server's search does. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** searchCached finds stakeholders whose name holds every word of q, accents ignored. */
export function searchCached(data: OfflineData | undefined, q: string, kind?: string, limit = 10): CachedStakeholder[] {
  if (!data) return [];
  const words = fold(q).split(/\s+/).filter(Boolean);
  return data.stakeholders.filter((s) => (!kind || s.kind === kind) && words.every((w) => fold(s.name).includes(w))).slice(0, limit);
}

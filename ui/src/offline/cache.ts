// What a user needs to log a meeting without signal, kept on the device and refreshed while
// online: the stakeholders they may see (only what GET /stakeholders answers them: their regions),
// regions, enums and their open tasks. Cleared on sign-out.
import { endpoints, type Enums, type Region, type Task } from '../api';
import { idb } from './db';

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
  const data: OfflineData = { userId, savedAt: new Date().toISOString(), stakeholders, regions, enums, tasks };
  await idb.set(key(userId), data);
  return JSON.stringify(data).length;
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

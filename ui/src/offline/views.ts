// The last answer of a few read-only lists (home sections, the first page of meetings), kept on
// the device so that without signal they show what was last seen, with its age, instead of an
// error. One IndexedDB key per user, cleared with the rest of the device's copy on sign-out.
import { ApiError } from '../api';
import { idb } from './db';

/** Kept marks an answer read from the device: when it was last fetched from the server. */
export interface Kept {
  savedAt?: string;
}

type Views = Record<string, { savedAt: string; data: unknown }>;

/** MAX_VIEWS bounds what is kept: the oldest views are dropped first. */
export const MAX_VIEWS = 20;
export const viewsKey = (userId: string) => `views:${userId}`;

/**
 * readThrough runs fn and keeps its answer under name; when there is no signal
 * (a network error) it answers the kept copy with its age instead, and fails as
 * fn did when nothing is kept.
 */
export async function readThrough<T extends object>(userId: string, name: string, fn: () => Promise<T>): Promise<T & Kept> {
  try {
    const data = await fn();
    if (userId) void keep(userId, name, data).catch(() => undefined);
    return data;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 0) || !userId) throw e;
    const v = (await idb.get<Views>(viewsKey(userId)).catch(() => undefined))?.[name];
    if (!v) throw e;
    return { ...(v.data as T), savedAt: v.savedAt };
  }
}

/** readKept is the kept copy of a view, if any (for searching without signal). */
export async function readKept<T>(userId: string, name: string): Promise<T | undefined> {
  if (!userId) return undefined;
  return (await idb.get<Views>(viewsKey(userId)).catch(() => undefined))?.[name]?.data as T | undefined;
}

async function keep(userId: string, name: string, data: unknown) {
  const all = (await idb.get<Views>(viewsKey(userId))) ?? {};
  all[name] = { savedAt: new Date().toISOString(), data };
  const names = Object.keys(all).sort((a, b) => all[b].savedAt.localeCompare(all[a].savedAt));
  for (const n of names.slice(MAX_VIEWS)) delete all[n];
  await idb.set(viewsKey(userId), all);
}

export function clearViews(userId: string): Promise<void> {
  return idb.del(viewsKey(userId));
}

/** meetingsView names the kept first page of the meetings list for its filters. */
export const meetingsView = (filters: object) => `meetings:${JSON.stringify(filters)}`;

/** initiativesView names the kept first page of the initiatives list for its filters. */
export const initiativesView = (filters: object) => `initiatives:${JSON.stringify(filters)}`;
/** initiativeView names one initiative's kept page. */
export const initiativeView = (id: string) => `initiative:${id}`;

// The device's own storage for working without signal: one small IndexedDB key-value store
// (idb-keyval). Keys carry the user id, so one user never reads another's data on a shared phone.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

let store: UseStore | null = null;
function db(): UseStore {
  store ??= createStore('alianza-offline', 'kv');
  return store;
}

// async, so a browser without IndexedDB rejects instead of throwing.
export const idb = {
  get: async <T,>(key: string) => get<T>(key, db()),
  set: async (key: string, value: unknown) => set(key, value, db()),
  del: async (key: string) => del(key, db()),
};

/** memoryStore replaces IndexedDB in unit tests. */
export function useMemoryStore(): void {
  const m = new Map<string, unknown>();
  idb.get = async <T,>(key: string) => m.get(key) as T | undefined;
  idb.set = async (key: string, value: unknown) => void m.set(key, structuredClone(value));
  idb.del = async (key: string) => void m.delete(key);
}

// Keeps an unsaved form in localStorage so a reload or a dropped connection loses nothing.

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Envelope<T> {
  v: number;
  saved_at: string;
  data: T;
}

export interface DraftStore<T> {
  load(): T | null;
  save(data: T): void;
  clear(): void;
  savedAt(): string | null;
}

function defaultStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * draftStore keeps one versioned draft under key. A draft from another version or a
 * corrupted value is dropped. merge fills fields missing from older drafts.
 */
export function draftStore<T extends object>(key: string, version: number, empty: () => T, storage: StorageLike | null = defaultStorage()): DraftStore<T> {
  const read = (): Envelope<T> | null => {
    if (!storage) return null;
    try {
      const raw = storage.getItem(key);
      if (!raw) return null;
      const env = JSON.parse(raw) as Envelope<T>;
      if (!env || env.v !== version || typeof env.data !== 'object' || env.data === null) {
        storage.removeItem(key);
        return null;
      }
      return env;
    } catch {
      try {
        storage.removeItem(key);
      } catch {
        /* ignore */
      }
      return null;
    }
  };
  return {
    load() {
      const env = read();
      return env ? { ...empty(), ...env.data } : null;
    },
    save(data: T) {
      if (!storage) return;
      try {
        storage.setItem(key, JSON.stringify({ v: version, saved_at: new Date().toISOString(), data }));
      } catch {
        /* quota exceeded: keep working without the draft */
      }
    },
    clear() {
      try {
        storage?.removeItem(key);
      } catch {
        /* ignore */
      }
    },
    savedAt() {
      return read()?.saved_at ?? null;
    },
  };
}

/** isBlank tells whether a draft equals the empty form (nothing worth keeping). */
export function isBlank<T>(data: T, empty: T): boolean {
  return JSON.stringify(data) === JSON.stringify(empty);
}

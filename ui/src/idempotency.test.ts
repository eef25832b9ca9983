import { describe, expect, it } from 'vitest';
import { KeyStore, signature } from './idempotency';

function memStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('idempotency keys', () => {
  it('reuses the key of an unanswered save, also across reloads, and forgets it once answered', () => {
    const st = memStorage();
    const a = new KeyStore(st);
    const first = a.take('POST', '/meetings', { summary: 'x' });
    // A reload: a new store on the same storage.
    const b = new KeyStore(st);
    const retry = b.take('POST', '/meetings', { summary: 'x' });
    expect(retry.key).toBe(first.key);
    expect(b.take('POST', '/meetings', { summary: 'y' }).key).not.toBe(first.key);
    retry.done(true);
    expect(b.take('POST', '/meetings', { summary: 'x' }).key).not.toBe(first.key);
  });

  it('expires keys after a day', () => {
    let now = 0;
    const s = new KeyStore(memStorage(), () => now);
    const k = s.take('POST', '/tasks', { title: 't' }).key;
    now += 24 * 60 * 60 * 1000;
    expect(s.take('POST', '/tasks', { title: 't' }).key).not.toBe(k);
  });

  it('signs method, path and body', () => {
    expect(signature('POST', '/a', { x: 1 })).not.toBe(signature('POST', '/b', { x: 1 }));
    expect(signature('POST', '/a', { x: 1 })).toBe(signature('POST', '/a', { x: 1 }));
  });
});

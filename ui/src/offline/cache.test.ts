import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCache, REFRESH_MS, refreshIfStale, type OfflineData } from './cache';
import { idb, useMemoryStore } from './db';

const t0 = new Date('2026-03-10T08:00:00Z').getTime();

/** api counts the requests the refresh makes and answers one page of stakeholders and no tasks. */
function api() {
  const paths: string[] = [];
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL) => {
    const path = new URL(String(input), 'http://x').pathname;
    paths.push(path);
    const items = path.endsWith('/stakeholders') ? [{ id: 's1', name: 'Rosa Quispe', kind: 'legislator', regions: ['08'] }] : [];
    return new Response(JSON.stringify({ items }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return paths;
}

const cached = (userId: string, savedAt: number): OfflineData => ({ userId, savedAt: new Date(savedAt).toISOString(), stakeholders: [], regions: [], enums: {} as OfflineData['enums'], tasks: [] });

describe('refreshing the device copy', () => {
  beforeEach(() => {
    useMemoryStore();
    localStorage.clear();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(t0);
  });
  afterEach(() => vi.useRealTimers());

  it('skips the download while the copy is fresh, and downloads once it is older than the refresh period', async () => {
    const paths = api();
    await idb.set('data:u1', cached('u1', t0 - REFRESH_MS + 60_000));
    expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeNull();
    expect(paths).toEqual([]);

    vi.setSystemTime(t0 + 2 * 60_000);
    const bytes = await refreshIfStale('u1', [], {} as OfflineData['enums']);
    expect(bytes).toBeGreaterThan(0);
    expect(paths).toEqual(['/api/v1/stakeholders', '/api/v1/tasks', '/api/v1/meetings', '/api/v1/initiatives']);
    const d = await loadCache('u1');
    expect(d?.stakeholders.map((s) => s.id)).toEqual(['s1']);
    expect(Date.parse(d!.savedAt)).toBe(t0 + 2 * 60_000);

    expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeNull(); // just refreshed
    expect(paths).toHaveLength(4);
  });

  it('downloads when the stored copy is another user\'s', async () => {
    const paths = api();
    await idb.set('data:u1', cached('u2', t0));
    expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeGreaterThan(0);
    expect(paths).toHaveLength(4);
  });

  it('leaves the download to the tab already running it (no navigator.locks: a mark in localStorage)', async () => {
    const paths = api();
    localStorage.setItem('alianza.offline.refreshing.u1', String(t0 - 60_000));
    expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeNull();
    expect(paths).toEqual([]);
    // A mark left by a tab that closed mid-download does not block for ever.
    vi.setSystemTime(t0 + 10 * 60_000);
    expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeGreaterThan(0);
    expect(localStorage.getItem('alianza.offline.refreshing.u1')).toBeNull();
  });

  it('with navigator.locks, skips when another tab holds the lock', async () => {
    const paths = api();
    let held = true;
    const locks = {
      request: vi.fn(async (_name: string, opts: { ifAvailable?: boolean }, cb: (l: object | null) => unknown) => cb(held && opts.ifAvailable ? null : {})),
    };
    Object.defineProperty(navigator, 'locks', { configurable: true, get: () => locks });
    try {
      expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeNull();
      expect(paths).toEqual([]);
      held = false;
      expect(await refreshIfStale('u1', [], {} as OfflineData['enums'])).toBeGreaterThan(0);
      expect(locks.request).toHaveBeenCalledWith('alianza-cache-u1', { ifAvailable: true }, expect.any(Function));
    } finally {
      Object.defineProperty(navigator, 'locks', { configurable: true, get: () => null });
    }
  });
});

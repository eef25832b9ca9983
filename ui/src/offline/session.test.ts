import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, endpoints } from '../api';
import { getSession, signIn, signOut, start } from '../session';
import { loadCache } from './cache';
import { idb, useMemoryStore } from './db';
import { enqueue, list } from './outbox';

const user = { id: 'u7', email: 'a@b.pe', name: 'Ana', role: 'officer', regions: ['08'], disabled: false, created_at: '2026-01-01T00:00:00Z' };

function online(on: boolean) {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => on });
}

describe('offline session', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    online(true);
  });

  it('opens the app for the last user without signal, and sign-out clears the data but keeps the outbox', async () => {
    useMemoryStore();
    localStorage.setItem('alianza.session', '1');
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        const path = new URL(String(input), 'http://x').pathname;
        if (path === '/api/v1/auth/login') return new Response(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 900, user }), { status: 200 });
        if (path === '/api/v1/auth/logout') return new Response(null, { status: 204 });
        return new Response(JSON.stringify({ items: [] }), { status: 200 });
      }),
    );
    await signIn('a@b.pe', 'x');
    await new Promise((r) => setTimeout(r, 0));
    await idb.set(`data:${user.id}`, { userId: user.id, savedAt: '', stakeholders: [], regions: [{ code: '08', name: 'Cusco', program: true }], enums: {}, tasks: [] });
    await enqueue(user.id, { summary: 'x', participants: [], commitments: [], tasks: [] } as never);

    online(false);
    await start();
    const s = getSession();
    expect(s.status).toBe('in');
    expect(s.offline).toBe(true);
    expect(s.user?.id).toBe(user.id);
    expect(s.regions.map((r) => r.code)).toEqual(['08']);

    online(true);
    await signOut();
    expect(await loadCache(user.id)).toBeUndefined();
    expect(await list(user.id)).toHaveLength(1); // kept until the same user signs in again
    online(false);
    await start();
    expect(getSession().status).toBe('anon'); // nobody to open the app for after sign-out
  });

  it('works from the device when the network fails although the device says it is online', async () => {
    useMemoryStore();
    await idb.set('user:last', user);
    localStorage.setItem('alianza.session', '1');
    online(true);
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await start();
    expect(getSession().status).toBe('in');
    expect(getSession().offline).toBe(true);
    expect(localStorage.getItem('alianza.session')).toBe('1'); // the session is not forgotten
  });

  // The server says the session is over (expired, revoked, ended elsewhere): the device forgets
  // the cached lists and the last user as on sign-out, so the app no longer opens offline for
  // them; the outbox stays (issue 20, point 9).
  const cached = () => ({ userId: user.id, savedAt: '', stakeholders: [{ id: 's1', name: 'Rosa', kind: 'person', regions: ['08'] }], regions: [], enums: {}, tasks: [] });
  async function seed() {
    useMemoryStore();
    localStorage.setItem('alianza.session', '1');
    await idb.set('user:last', user);
    await idb.set(`data:${user.id}`, cached());
    await enqueue(user.id, { summary: 'x', participants: [], commitments: [], tasks: [] } as never);
  }
  const refreshAnswers = (status: number) =>
    vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input), 'http://x').pathname;
      if (path === '/api/v1/auth/refresh') return new Response(JSON.stringify({ status }), { status });
      return new Response(JSON.stringify({ status: 401 }), { status: 401 });
    });
  async function forgotten(): Promise<boolean> {
    return (await loadCache(user.id)) === undefined && (await idb.get('user:last')) === undefined;
  }

  it('forgets the device data when the session was revoked while the app was closed', async () => {
    await seed();
    online(true);
    vi.stubGlobal('fetch', refreshAnswers(401));
    await start();
    expect(getSession().status).toBe('anon');
    expect(await forgotten()).toBe(true);
    expect(await list(user.id)).toHaveLength(1);
    online(false);
    await start();
    expect(getSession().status).toBe('anon'); // nothing left to open offline
  });

  it('forgets the device data when an offline session is refused once the signal returns', async () => {
    await seed();
    online(false);
    await start();
    expect(getSession().offline).toBe(true);
    online(true);
    vi.stubGlobal('fetch', refreshAnswers(401));
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(async () => expect(await forgotten()).toBe(true));
    expect(getSession().status).toBe('anon');
    expect(getSession().expired).toBe(true);
    expect(await list(user.id)).toHaveLength(1);
  });

  it('forgets the device data when a request finds the session expired', async () => {
    await seed();
    online(true);
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 900, user }), { status: 200 })));
    await signIn('a@b.pe', 'x');
    await idb.set(`data:${user.id}`, cached());
    vi.stubGlobal('fetch', refreshAnswers(401));
    await expect(endpoints.regions()).rejects.toBeTruthy();
    await vi.waitFor(async () => expect(await forgotten()).toBe(true));
    expect(getSession().status).toBe('anon');
    expect(api.sessionEnded).toBe(true);
  });

  it('keeps the device data when the server fails without ending the session', async () => {
    await seed();
    online(true);
    vi.stubGlobal('fetch', refreshAnswers(503));
    await start();
    expect(await loadCache(user.id)).toBeDefined();
    expect(await idb.get('user:last')).toBeDefined();
  });
});

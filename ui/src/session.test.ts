import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from './api';
import { allRegions, getSession, isAdminOfAll, signIn, signOut, start } from './session';

const user = { id: 'u1', email: 'a@b.pe', name: 'Ana', role: 'officer', regions: ['08'], disabled: false, created_at: '2026-01-01T00:00:00Z' };
const tokens = { access_token: 't1', token_type: 'Bearer', expires_in: 900, user };
const HINT = 'alianza.session';

function answer(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

/** stubFetch answers by path and records the paths called. */
function stubFetch(routes: Record<string, () => Response>) {
  const paths: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input), 'http://x').pathname;
      paths.push(path);
      const r = routes[path];
      return r ? r() : answer(404, { title: 'Not Found', status: 404 });
    }),
  );
  return paths;
}

describe('session resume hint', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it('shows the sign-in form at once when this browser never signed in', async () => {
    const paths = stubFetch({});
    await start();
    expect(getSession().status).toBe('anon');
    expect(paths).toEqual([]);
  });

  it('resumes from the refresh cookie when the hint is there', async () => {
    localStorage.setItem(HINT, '1');
    const paths = stubFetch({ '/api/v1/auth/refresh': () => answer(200, tokens) });
    await start();
    expect(getSession().status).toBe('in');
    expect(getSession().user?.id).toBe('u1');
    expect(paths[0]).toBe('/api/v1/auth/refresh');
  });

  it('drops the hint when the session cannot be resumed', async () => {
    localStorage.setItem(HINT, '1');
    stubFetch({ '/api/v1/auth/refresh': () => answer(401, { title: 'Unauthorized', status: 401 }) });
    await start();
    expect(getSession().status).toBe('anon');
    expect(localStorage.getItem(HINT)).toBeNull();
  });

  it('sets the hint on sign-in and clears it on sign-out', async () => {
    stubFetch({ '/api/v1/auth/login': () => answer(200, tokens), '/api/v1/auth/logout': () => answer(204) });
    await signIn('a@b.pe', 'a-long-password');
    expect(localStorage.getItem(HINT)).toBe('1');
    await signOut();
    expect(localStorage.getItem(HINT)).toBeNull();
    expect(getSession().status).toBe('anon');
  });
});

describe('admins of some regions', () => {
  const u = (role: User['role'], regions: string[]): User => ({ id: 'x', email: 'x@y.pe', name: 'X', role, regions, disabled: false, two_factor: false, created_at: '', version: 1 });
  it('are not taken for admins of every region', () => {
    expect(allRegions(u('admin', ['21']))).toBe(false);
    expect(isAdminOfAll(u('admin', ['21']))).toBe(false);
    expect(isAdminOfAll(u('admin', ['all']))).toBe(true);
    expect(isAdminOfAll(u('manager', ['all']))).toBe(false);
    expect(allRegions(u('viewer', ['all']))).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { ApiError, Client, parseRetryAfter, qs, toApiError } from './api';

type Call = { url: string; init: RequestInit };

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

const user = { id: 'u1', email: 'a@b.pe', name: 'Ana', role: 'officer', regions: ['08'], disabled: false, created_at: '2026-01-01T00:00:00Z' };
const login = (token: string) => ({ access_token: token, token_type: 'Bearer', expires_in: 900, user });

/** fake builds a fetch that answers from a queue of handlers and records calls. */
function fake(...answers: ((c: Call) => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const c = { url: String(input), init: init ?? {} };
    calls.push(c);
    const next = answers.shift();
    if (!next) throw new Error(`unexpected call ${c.url}`);
    return next(c);
  });
  return { fn: fn as unknown as typeof fetch, calls };
}

/** failure awaits a promise that must reject and returns its error. */
async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

const auth = (c: Call) => (c.init.headers as Record<string, string>).Authorization;

describe('Client tokens', () => {
  it('keeps the access token from login in memory and sends it as Bearer', async () => {
    const f = fake(() => json(200, login('tok1')), () => json(200, { id: 'x' }));
    const c = new Client(f.fn);
    const onUser = vi.fn();
    c.onUser = onUser;
    await c.login('a@b.pe', 'secret-password');
    expect(c.accessToken).toBe('tok1');
    expect(onUser).toHaveBeenCalledWith(user);
    expect(f.calls[0].url).toBe('/api/v1/auth/login');
    expect(auth(f.calls[0])).toBeUndefined();
    await c.get('/me');
    expect(auth(f.calls[1])).toBe('Bearer tok1');
    expect(f.calls[1].init.credentials).toBe('same-origin');
  });

  it('never writes the token to storage', async () => {
    localStorage.clear();
    sessionStorage.clear();
    const f = fake(() => json(200, login('secret-token')));
    const c = new Client(f.fn);
    await c.login('a@b.pe', 'x');
    const all = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie;
    expect(all).not.toContain('secret-token');
  });

  it('resumes the session from the refresh cookie', async () => {
    const f = fake(() => json(200, login('fresh')));
    const c = new Client(f.fn);
    const r = await c.refresh();
    expect(r?.user.email).toBe('a@b.pe');
    expect(c.accessToken).toBe('fresh');
    expect(f.calls[0].url).toBe('/api/v1/auth/refresh');
    expect(f.calls[0].init.method).toBe('POST');
  });

  it('reports no session when the refresh is refused', async () => {
    const f = fake(() => json(401, { title: 'Unauthorized', status: 401 }));
    const c = new Client(f.fn);
    expect(await c.refresh()).toBeNull();
    expect(c.signedIn).toBe(false);
  });

  it('forgets the token on logout even when the call fails', async () => {
    const f = fake(() => json(200, login('t')), () => Promise.reject(new TypeError('Failed to fetch')));
    const c = new Client(f.fn);
    await c.login('a@b.pe', 'x');
    await expect(c.logout()).rejects.toBeInstanceOf(ApiError);
    expect(c.accessToken).toBeNull();
  });
});

describe('Client refresh on 401', () => {
  it('refreshes once and retries the original request', async () => {
    const f = fake(
      () => json(200, login('old')),
      () => json(401, { title: 'Unauthorized', status: 401 }),
      () => json(200, login('new')),
      () => json(200, { items: [] }),
    );
    const c = new Client(f.fn);
    await c.login('a@b.pe', 'x');
    const r = await c.get<{ items: unknown[] }>('/tasks', { mine: true });
    expect(r.items).toEqual([]);
    expect(f.calls.map((x) => x.url)).toEqual(['/api/v1/auth/login', '/api/v1/tasks?mine=true', '/api/v1/auth/refresh', '/api/v1/tasks?mine=true']);
    expect(auth(f.calls[1])).toBe('Bearer old');
    expect(auth(f.calls[3])).toBe('Bearer new');
  });

  it('resends the same body on retry', async () => {
    const f = fake(
      () => json(401, {}),
      () => json(200, login('new')),
      (c) => json(201, JSON.parse(String(c.init.body))),
    );
    const c = new Client(f.fn);
    const r = await c.post<{ summary: string }>('/meetings', { summary: 'hola' });
    expect(r.summary).toBe('hola');
    expect(f.calls[0].init.body).toBe(f.calls[2].init.body);
  });

  it('does not retry more than once', async () => {
    const f = fake(() => json(401, {}), () => json(200, login('new')), () => json(401, { title: 'nope', status: 401 }));
    const c = new Client(f.fn);
    const lost = vi.fn();
    c.onSessionLost = lost;
    await expect(c.get('/me')).rejects.toMatchObject({ status: 401 });
    expect(f.calls).toHaveLength(3);
    expect(lost).toHaveBeenCalledOnce();
  });

  it('ends the session when the refresh fails', async () => {
    const f = fake(() => json(401, { title: 'Unauthorized', status: 401 }), () => json(401, {}));
    const c = new Client(f.fn);
    const lost = vi.fn();
    c.onSessionLost = lost;
    await expect(c.get('/me')).rejects.toMatchObject({ status: 401 });
    expect(lost).toHaveBeenCalledOnce();
    expect(c.signedIn).toBe(false);
  });

  it('shares one refresh between concurrent 401s', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push(url);
      if (url.endsWith('/auth/refresh')) {
        await gate;
        return json(200, login('new'));
      }
      const h = (init?.headers ?? {}) as Record<string, string>;
      return h.Authorization === 'Bearer new' ? json(200, { ok: url }) : json(401, {});
    }) as typeof fetch;
    const c = new Client(fn);
    const a = c.get('/a');
    const b = c.get('/b');
    await new Promise((r) => setTimeout(r, 0));
    release();
    await expect(Promise.all([a, b])).resolves.toEqual([{ ok: '/api/v1/a' }, { ok: '/api/v1/b' }]);
    expect(calls.filter((u) => u.endsWith('/auth/refresh'))).toHaveLength(1);
  });
});

describe('errors', () => {
  it('parses problem+json with field errors', async () => {
    const f = fake(() =>
      json(422, {
        type: 'https://alianza/problems/validation',
        title: 'Invalid meeting',
        status: 422,
        detail: '2 fields are invalid',
        errors: [
          { field: 'commitments[1].due_on', message: 'must be a date' },
          { field: 'summary', message: 'required' },
          { field: 'summary', message: 'second message is ignored' },
        ],
      }),
    );
    const c = new Client(f.fn);
    const err = await failure(c.post('/meetings', {}));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.title).toBe('Invalid meeting');
    expect(err.detail).toBe('2 fields are invalid');
    expect(err.type).toBe('https://alianza/problems/validation');
    expect(err.fieldErrors()).toEqual({ 'commitments[1].due_on': 'must be a date', summary: 'required' });
  });

  it('copes with a non-JSON error body', async () => {
    const res = new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } });
    const err = await toApiError(res);
    expect(err.status).toBe(502);
    expect(err.title).toBe('Bad Gateway');
    expect(err.errors).toEqual([]);
  });

  it('reads Retry-After on 429', async () => {
    const f = fake(() => json(429, { title: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' }));
    const c = new Client(f.fn);
    const err = await failure(c.login('a@b.pe', 'x'));
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(30);
  });

  it('turns a failed fetch into a network ApiError', async () => {
    const f = fake(() => Promise.reject(new TypeError('Failed to fetch')));
    const c = new Client(f.fn);
    const err = await failure(c.get('/me'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.isNetwork).toBe(true);
  });

  it('lets aborts through untouched', async () => {
    const f = fake(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    const c = new Client(f.fn);
    const err = await failure(c.get('/me'));
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe('AbortError');
  });

  it('answers undefined for 204', async () => {
    const f = fake(() => new Response(null, { status: 204 }));
    const c = new Client(f.fn);
    await expect(c.del('/tasks/1')).resolves.toBeUndefined();
  });
});

describe('helpers', () => {
  it('qs skips empty values and repeats arrays', () => {
    expect(qs({ a: '1', b: '', c: undefined, d: null, e: false, f: true, g: ['x', 'y'], n: 0 })).toBe('?a=1&f=true&g=x&g=y&n=0');
    expect(qs({})).toBe('');
  });
  it('parseRetryAfter reads seconds and dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:45 GMT', now)).toBe(45);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('Client idempotency keys', () => {
  const key = (c: Call) => (c.init.headers as Record<string, string>)['Idempotency-Key'];
  it('sends the same key when a save whose answer was lost is sent again, and a new one after an answer', async () => {
    localStorage.clear();
    const f = fake(
      () => {
        throw new TypeError('Failed to fetch');
      },
      () => json(201, { id: 'm1' }),
      () => json(201, { id: 'm2' }),
    );
    const c = new Client(f.fn);
    const body = { summary: 'Reunión' };
    const lost = await failure(c.post('/meetings', body));
    expect(lost.isNetwork).toBe(true);
    await c.post('/meetings', body);
    expect(key(f.calls[0])).toBeTruthy();
    expect(key(f.calls[1])).toBe(key(f.calls[0]));
    expect((f.calls[1].init.headers as Record<string, string>)['Accept-Language']).toMatch(/^(es|en)$/);
    await c.post('/meetings', body);
    expect(key(f.calls[2])).not.toBe(key(f.calls[0]));
  });

  it('sends no key on GET or sign-in', async () => {
    const f = fake(() => json(200, login('t')), () => json(200, {}));
    const c = new Client(f.fn);
    await c.login('a@b.pe', 'x');
    await c.get('/me');
    expect(key(f.calls[0])).toBeUndefined();
    expect(key(f.calls[1])).toBeUndefined();
  });
});

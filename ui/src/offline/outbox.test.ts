import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeetingCreate } from '../api';
import { searchCached, type OfflineData } from './cache';
import { useMemoryStore } from './db';
import { draftOf, enqueue, flush, KEY_TTL_MS, list, MAYBE_SENT, rememberPerson, retry, take } from './outbox';

const body = (participant: string): MeetingCreate => ({
  starts_at: '2026-03-10T14:30:00Z', duration_min: 60, kind: 'in_person', region: '08', place: '', topics: [], summary: 'Sin señal',
  agreements: '', next_steps: '', tasks: [],
  participants: [{ stakeholder_id: participant, role: '' }],
  commitments: [{ stakeholder_id: participant, text: 'Enviar oficio', type: 'other', region: '08', due_on: '2026-04-01' }],
});

type Call = { method: string; path: string; key: string | null; body: unknown };

/** server answers fetch like the API would, recording every call; fail(path) makes the next call to it a network error. */
function server() {
  const calls: Call[] = [];
  const failures = new Map<string, number>();
  const statuses = new Map<string, { status: number; body: unknown }>();
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace('/api/v1', '');
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ method: init?.method ?? 'GET', path, key: headers['Idempotency-Key'] ?? null, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if ((failures.get(path) ?? 0) > 0) {
      failures.set(path, failures.get(path)! - 1);
      throw new TypeError('Failed to fetch');
    }
    const forced = statuses.get(path);
    if (forced) return new Response(JSON.stringify(forced.body), { status: forced.status, headers: { 'content-type': 'application/problem+json' } });
    const id = path === '/stakeholders' ? 'st-1' : 'mt-1';
    return new Response(JSON.stringify({ id }), { status: 201, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fail: (p: string, times = 1) => failures.set(p, times), answer: (p: string, status: number, b: unknown) => statuses.set(p, { status, body: b }) };
}

describe('outbox', () => {
  beforeEach(() => useMemoryStore());

  it('creates the people made offline, then the meeting naming them, each once, with the item as idempotency key', async () => {
    const srv = server();
    const p = await rememberPerson('u1', 'Persona Nueva', ['08']);
    const item = await enqueue('u1', body(p.tempId));
    expect(item.people).toHaveLength(1);
    srv.fail('/meetings'); // the signal drops after the person was created
    expect((await flush('u1')).stopped).toBe('offline');
    const [kept] = await list('u1');
    expect(kept.state).toBe('pending');
    expect(kept.people[0].createdId).toBe('st-1');

    const r = await flush('u1');
    expect(r.sent).toHaveLength(1);
    expect(await list('u1')).toEqual([]);
    const people = srv.calls.filter((c) => c.path === '/stakeholders');
    const meetings = srv.calls.filter((c) => c.path === '/meetings');
    expect(people).toHaveLength(1); // never created twice
    expect(people[0].key).toBe(`${item.id}:person:${p.tempId}`);
    expect(meetings).toHaveLength(2);
    expect(meetings.every((c) => c.key === `${item.id}:meeting`)).toBe(true); // the same key on every retry
    const sent = meetings[1].body as MeetingCreate;
    expect(sent.participants[0].stakeholder_id).toBe('st-1');
    expect(sent.commitments?.[0].stakeholder_id).toBe('st-1');
  });

  it('keeps a refused meeting with its errors, never dropped, until the user retries', async () => {
    const srv = server();
    await enqueue('u1', body('64b000000000000000000001'));
    srv.answer('/meetings', 422, { title: 'Unprocessable Entity', detail: 'invalid', errors: [{ field: 'region', message: 'is outside your regions' }] });
    await flush('u1');
    const [it] = await list('u1');
    expect(it.state).toBe('invalid');
    expect(it.error?.fields).toEqual({ region: 'is outside your regions' });
    await flush('u1');
    expect(srv.calls.filter((c) => c.path === '/meetings')).toHaveLength(1); // not retried by itself
    expect(await list('u2')).toEqual([]); // another user's outbox is apart
    srv.answer('/meetings', 201, { id: 'mt-2' });
    await retry('u1', it.id);
    await flush('u1');
    expect(await list('u1')).toEqual([]);
  });

  it('searches the cached stakeholders without accents', () => {
    const data = { stakeholders: [{ id: '1', name: 'Fiscalía de Cusco', kind: 'institution', regions: ['08'] }, { id: '2', name: 'Rosa Quispe', kind: 'legislator', regions: ['08'] }] } as OfflineData;
    expect(searchCached(data, 'fiscalia cus').map((s) => s.id)).toEqual(['1']);
    expect(searchCached(data, 'rosa', 'institution')).toEqual([]);
  });
});

describe('open tasks without signal', () => {
  beforeEach(() => useMemoryStore());

  it('come from the device when the network fails', async () => {
    const { idb } = await import('./db');
    const { myOpenTasks } = await import('./save');
    const { getSession } = await import('../session');
    const uid = getSession().user?.id ?? '';
    await idb.set(`data:${uid}`, { userId: uid, savedAt: '', stakeholders: [], regions: [], enums: {}, tasks: [{ id: 't1', title: 'Enviar acta' }] });
    globalThis.fetch = vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    expect((await myOpenTasks()).items.map((x) => x.id)).toEqual(['t1']);
  });
});

describe('a save whose answer is lost', () => {
  beforeEach(() => useMemoryStore());

  it('is sent again from the outbox under the key of the first send', async () => {
    const srv = server();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    const { saveMeeting } = await import('./save');
    const { flush: flushAll } = await import('./outbox');
    const { getSession } = await import('../session');
    srv.fail('/meetings'); // the request left; its answer never came back
    const r = await saveMeeting(body('64b000000000000000000001'));
    expect(r.queued).toBeDefined();
    await flushAll(getSession().user?.id ?? '');
    const meetings = srv.calls.filter((c) => c.path === '/meetings');
    expect(meetings.length).toBeGreaterThanOrEqual(2);
    expect(meetings[0].key).toBeTruthy();
    expect(new Set(meetings.map((c) => c.key)).size).toBe(1); // one key: the server replays, never a second meeting
  });
});

describe('a save that may have reached the server a day ago', () => {
  const t0 = new Date('2026-03-10T08:00:00Z').getTime();
  beforeEach(() => {
    useMemoryStore();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(t0);
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('is held for review instead of being resent once the server forgot its key, and resent under a new key when the user confirms', async () => {
    const srv = server();
    const { saveMeeting } = await import('./save');
    const { getSession } = await import('../session');
    const uid = getSession().user?.id ?? '';
    srv.fail('/meetings', 2); // the direct send and the outbox's first resend lose their answers
    const r = await saveMeeting(body('64b000000000000000000001'));
    await flush(uid);
    const [waiting] = await list(uid);
    expect(waiting.id).toBe(r.queued?.id);
    expect(waiting.maybeSent).toBe(true);
    expect(waiting.state).toBe('pending');
    const firstKey = srv.calls[0].key;

    // Within the server's window a resend is a replay: still the first key.
    vi.setSystemTime(t0 + KEY_TTL_MS - 60_000);
    srv.fail('/meetings');
    await flush(uid);
    expect(srv.calls.map((c) => c.key)).toEqual([firstKey, firstKey, firstKey]);

    // Later the key is gone on the server: a resend could save the meeting twice.
    vi.setSystemTime(t0 + KEY_TTL_MS + 60_000);
    await flush(uid);
    expect(srv.calls).toHaveLength(3); // nothing sent
    const [held] = await list(uid);
    expect(held.state).toBe('conflict');
    expect(held.error?.code).toBe(MAYBE_SENT);
    await flush(uid);
    expect(srv.calls).toHaveLength(3); // never by itself

    await retry(uid, held.id); // the user checked the meetings and confirmed
    const res = await flush(uid);
    expect(res.sent).toHaveLength(1);
    expect(await list(uid)).toEqual([]);
    const last = srv.calls[3];
    expect(last.path).toBe('/meetings');
    expect(last.key).toBeTruthy();
    expect(last.key).not.toBe(firstKey);
  });

  it('counts the day from the first send that lost its answer, and not after a refusal', async () => {
    const srv = server();
    await enqueue('u1', body('64b000000000000000000001'));
    vi.setSystemTime(t0 + 2 * KEY_TTL_MS); // queued offline long ago: never sent, so no risk
    srv.answer('/meetings', 422, { title: 'Unprocessable Entity', detail: 'invalid', errors: [] });
    await flush('u1');
    let [it] = await list('u1');
    expect(it.state).toBe('invalid');
    expect(it.maybeSent).toBe(false); // refused: nothing saved under the key
    await retry('u1', it.id);
    srv.answer('/meetings', 503, { title: 'Service Unavailable', detail: '' });
    await flush('u1');
    [it] = await list('u1');
    expect(it.maybeSent).toBe(true);
    expect(it.attempts).toBe(2);
    vi.setSystemTime(t0 + 3 * KEY_TTL_MS + 60_000);
    await flush('u1');
    [it] = await list('u1');
    expect(it.state).toBe('conflict');
    expect(it.error?.code).toBe(MAYBE_SENT);
    expect(srv.calls).toHaveLength(2);
  });
});

describe('without crypto.randomUUID (plain HTTP on the LAN)', () => {
  beforeEach(() => useMemoryStore());
  afterEach(() => vi.unstubAllGlobals());

  it('a meeting is still saved, and queued with its own key when offline', async () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array<ArrayBuffer>) => real.getRandomValues(b) });
    expect((globalThis.crypto as Partial<Crypto>).randomUUID).toBeUndefined();
    const srv = server();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    const { saveMeeting } = await import('./save');
    const r = await saveMeeting(body('64b000000000000000000001'));
    expect(r.meeting?.id).toBe('mt-1');
    expect(srv.calls[0].key).toMatch(/^[0-9a-f]{32}:meeting$/);

    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    const q = await saveMeeting(body('64b000000000000000000001'));
    expect(q.queued?.id).toMatch(/^[0-9a-f]{32}$/);
    const p = await rememberPerson('u1', 'Persona', ['08']);
    expect(p.tempId).toMatch(/^tmp-[0-9a-f]{32}$/);
  });
});

describe('a refused meeting opens again as a draft', () => {
  beforeEach(() => useMemoryStore());

  it('take removes only a refused item and draftOf gives the form back with the real ids of people created since', async () => {
    const srv = server();
    const p = await rememberPerson('u1', 'Persona Nueva', ['08']);
    const b = body(p.tempId);
    const draft = {
      starts_at: '2026-03-10T09:30', duration_min: '60', kind: 'in_person', region: '08', place: '', topics: [], summary: 'Sin señal', agreements: '', next_steps: '', tasks: [],
      participants: [{ stakeholder_id: p.tempId, name: 'Persona Nueva', role: 'vocera' }],
      commitments: [{ stakeholder_id: p.tempId, text: 'Enviar oficio', type: 'other', due_on: '2026-04-01' }],
    };
    const item = await enqueue('u1', b, undefined, draft);
    expect(await take('u1', item.id)).toBeNull(); // pending: it may be on its way
    srv.answer('/meetings', 422, { title: 'Datos no válidos', status: 422, errors: [{ field: 'summary', code: 'too_long', message: 'Debe tener como máximo 20000 caracteres.' }] });
    await flush('u1');
    const [refused] = await list('u1');
    expect(refused.state).toBe('invalid');
    expect(refused.error?.fields).toEqual({ summary: 'Debe tener como máximo 20000 caracteres.' });

    const taken = await take('u1', item.id);
    expect(await list('u1')).toEqual([]);
    const d = draftOf(taken!);
    expect(d.participants).toEqual([{ stakeholder_id: 'st-1', name: 'Persona Nueva', role: 'vocera' }]);
    expect(d.commitments[0].stakeholder_id).toBe('st-1');
    expect(d.starts_at).toBe('2026-03-10T09:30');
  });

  it('rebuilds the draft of an item kept before drafts were stored, names from the device', async () => {
    server();
    const item = await enqueue('u1', body('64b000000000000000000001'));
    const d = draftOf(item, new Map([['64b000000000000000000001', 'Rosa Quispe']]));
    expect(d.starts_at).toBe('2026-03-10T09:30'); // 14:30 UTC is 09:30 in Lima
    expect(d.participants[0].name).toBe('Rosa Quispe');
    expect(d.commitments[0]).toEqual({ stakeholder_id: '64b000000000000000000001', text: 'Enviar oficio', type: 'other', due_on: '2026-04-01' });
    expect(d.duration_min).toBe('60');
  });
});

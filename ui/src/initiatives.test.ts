import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type Initiative, type InitiativeMeta, type User } from './api';
import { setLang } from './i18n';
import { emptyInitiative, forgetMeta, fromInitiative, kindName, loadMeta, movedSince, roleName, stageName, stagesOf, toInitiativeBody, validateInitiative, validateStageChange } from './initiatives';
import { idb, useMemoryStore } from './offline/db';
import { flush, list, writeKey } from './offline/outbox';
import { saveNewInitiative, saveStageChange, searchInitiatives } from './offline/save';
import { initiativesView, viewsKey } from './offline/views';
import { setFilters, stageOptions } from './pages/Initiatives';
import { getSession } from './session';

const n = (code: string, es: string, en: string) => ({ code, name_es: es, name_en: en });
const META: InitiativeMeta = {
  kinds: [
    { ...n('bill', 'Proyecto de ley', 'Bill'), stages: [n('presented', 'Presentado', 'Presented'), n('in_committee', 'En comisión', 'In committee'), n('approved', 'Aprobado', 'Approved'), n('archived', 'Archivado', 'Archived')] },
    { ...n('regional_action_plan', 'Plan regional de acción', 'Regional action plan'), stages: [n('drafting', 'En elaboración', 'Drafting'), n('approved', 'Aprobado', 'Approved')] },
  ],
  roles: [n('author', 'Autor', 'Author'), n('opponent', 'Opositor', 'Opponent')],
};

const bill: Initiative = {
  id: 'i1', kind: 'bill', title: 'Ley de refugios temporales', number: 'PL 9123/2026-CR', region: 'NAC', stage: 'presented', stage_on: '2026-11-02',
  summary: '', tags: ['refugios', 'víctimas'], owner_id: 'u1', owner_name: 'Ana', created_at: '2026-11-02T15:00:00Z', updated_at: '2026-11-02T15:00:00Z', stakeholders: [{ stakeholder_id: 's1', name: 'Rosa Quispe', kind: 'legislator', role: 'author' }], version: 3,
};

describe('kinds, stages and roles from the server', () => {
  afterEach(() => setLang('es'));

  it('are named in the app language, codes kept when unknown', () => {
    setLang('es');
    expect(kindName(META, 'bill')).toBe('Proyecto de ley');
    expect(stageName(META, 'bill', 'in_committee')).toBe('En comisión');
    expect(roleName(META, 'opponent')).toBe('Opositor');
    setLang('en');
    expect(stageName(META, 'bill', 'in_committee')).toBe('In committee');
    expect(stageName(META, 'bill', 'published')).toBe('published');
    expect(kindName(undefined, 'bill')).toBe('bill');
  });

  it('keep the order of each kind; the stage filter without a kind offers every code once', () => {
    expect(stagesOf(META, 'regional_action_plan').map((s) => s.code)).toEqual(['drafting', 'approved']);
    expect(stageOptions(META, 'bill').map((o) => o.value)).toEqual(['presented', 'in_committee', 'approved', 'archived']);
    expect(stageOptions(META, '').map((o) => o.value)).toEqual(['presented', 'in_committee', 'approved', 'archived', 'drafting']);
  });

  it('an unfiltered list is kept under the name the device refreshes ahead', () => {
    expect(initiativesView(setFilters({ kind: '', stage: undefined, region: undefined, q: '', moved_since: undefined }))).toBe(initiativesView({}));
    expect(setFilters({ kind: 'bill', q: '' })).toEqual({ kind: 'bill' });
  });

  it('"moved in the last 30 days" starts 30 Lima days back', () => {
    expect(movedSince('2026-12-07')).toBe('2026-11-07');
    expect(movedSince('2026-03-01')).toBe('2026-01-30');
  });
});

describe('the initiative form', () => {
  it('needs a title, kind, region, a stage of the kind and a day; each linked stakeholder a role', () => {
    const f = { ...emptyInitiative(), title: '  ', stage_on: '2026-02-30', url: 'www.congreso.gob.pe', stakeholders: [{ stakeholder_id: 's1', name: 'Rosa', role: '' }] };
    expect(validateInitiative(f, true, META)).toEqual({
      title: 'validation.required', kind: 'validation.required', region: 'validation.required', stage: 'validation.required', stage_on: 'validation.date', url: 'validation.url', 'stakeholders[0].role': 'validation.required',
    });
    expect(validateInitiative({ ...fromInitiative(bill), stage: 'drafting' }, true, META)).toEqual({ stage: 'validation.stage_not_in_kind' });
    // An edit does not change kind, region or stage.
    expect(validateInitiative({ ...fromInitiative(bill), stage: 'drafting' }, false, META)).toEqual({});
  });

  it('round-trips an initiative into the POST body: trimmed, tags split, no owner when none', () => {
    const f = { ...fromInitiative(bill), title: ' Ley de refugios ', tags: 'refugios, víctimas;  ', owner_id: '' };
    expect(toInitiativeBody(f)).toEqual({
      kind: 'bill', title: 'Ley de refugios', number: 'PL 9123/2026-CR', url: '', region: 'NAC', stage: 'presented', stage_on: '2026-11-02', summary: '',
      tags: ['refugios', 'víctimas'], stakeholders: [{ stakeholder_id: 's1', role: 'author' }],
    });
    expect(toInitiativeBody(fromInitiative(bill)).owner_id).toBe('u1');
  });

  it('checks a stage change: another stage of its kind, on a past or present day', () => {
    expect(validateStageChange({ stage: 'presented', on: '2026-12-01' }, bill, META, '2026-12-07')).toEqual({ stage: 'validation.same_stage' });
    expect(validateStageChange({ stage: 'drafting', on: '2026-12-08' }, bill, META, '2026-12-07')).toEqual({ stage: 'validation.stage_not_in_kind', on: 'validation.future_date' });
    expect(validateStageChange({ stage: '', on: '' }, bill, META, '2026-12-07')).toEqual({ stage: 'validation.required', on: 'validation.date' });
    expect(validateStageChange({ stage: 'in_committee', on: '2026-12-07' }, bill, META, '2026-12-07')).toEqual({});
  });
});

type Call = { method: string; path: string; key: string | null; body: unknown };
/** server answers like the API, recording every call; down() makes every call a network error until up(). */
function server(answer: (path: string) => { status: number; body: unknown } = () => ({ status: 200, body: { ...bill, stage: 'in_committee', version: 4 } })) {
  const calls: Call[] = [];
  let offline = false;
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace('/api/v1', '');
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ method: init?.method ?? 'GET', path, key: headers['Idempotency-Key'] ?? null, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (offline) throw new TypeError('Failed to fetch');
    const a = answer(path);
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': a.status >= 400 ? 'application/problem+json' : 'application/json' } });
  }) as typeof fetch;
  return { calls, down: () => (offline = true), up: () => (offline = false) };
}

describe('initiatives without signal', () => {
  const uid = () => getSession().user?.id ?? '';
  beforeEach(() => {
    useMemoryStore();
    forgetMeta();
    api.onUser?.({ id: 'u1', email: 'ana@alianza.test', name: 'Ana', role: 'officer', regions: ['08'] } as User);
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
  });

  it('a stage change whose send fails waits in the outbox and is sent once back online, under the key of the first send', async () => {
    const srv = server();
    srv.down();
    const r = await saveStageChange(bill, { stage: 'in_committee', on: '2026-12-01', note: 'Decretado a la Comisión de la Mujer', version: 3 }, 'Cambio de etapa');
    expect(r.saved).toBeUndefined();
    const [queued] = await list(uid());
    expect(queued.write?.path).toBe('/initiatives/i1/stage');
    expect(queued.write?.href).toBe('/initiatives/i1');
    srv.up();
    await flush(uid()); // may be the run the save started while still offline
    await flush(uid());
    expect(await list(uid())).toEqual([]);
    const sends = srv.calls.filter((c) => c.path === '/initiatives/i1/stage');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sends.map((c) => c.key))).toEqual(new Set([writeKey(queued.id)])); // one key: the server runs it once
    expect(sends.at(-1)?.body).toEqual({ stage: 'in_committee', on: '2026-12-01', note: 'Decretado a la Comisión de la Mujer', version: 3 });
  });

  it('a stage change refused as stale stays in the outbox as a conflict, not resent by itself', async () => {
    const srv = server((p) => (p.endsWith('/stage') ? { status: 409, body: { title: 'Conflict', detail: 'changed meanwhile', code: 'version_conflict' } } : { status: 200, body: {} }));
    srv.down();
    await saveStageChange(bill, { stage: 'approved', on: '2026-12-01', note: '', version: 3 }, 'Cambio de etapa');
    srv.up();
    await flush(uid());
    await flush(uid());
    await flush(uid());
    const [it] = await list(uid());
    expect(it.state).toBe('conflict');
    expect(srv.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/stage'))).toHaveLength(2); // the offline try, then one send
  });

  it('a new initiative saved online is created directly; offline it is queued', async () => {
    const srv = server(() => ({ status: 201, body: { ...bill, id: 'i9' } }));
    const body = toInitiativeBody(fromInitiative(bill));
    expect((await saveNewInitiative(body)).saved?.id).toBe('i9');
    expect(await list(uid())).toEqual([]);
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    const q = await saveNewInitiative(body);
    expect(q.queued?.write?.path).toBe('/initiatives');
    expect(srv.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('searches the kept list by title words or number, accents ignored', async () => {
    server();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    await idb.set(viewsKey(uid()), { [initiativesView({})]: { savedAt: '2026-12-01T10:00:00Z', data: { items: [bill, { ...bill, id: 'i2', title: 'Plan regional de Cusco', number: '' }] } } });
    expect((await searchInitiatives('refugíos')).map((x) => x.id)).toEqual(['i1']);
    expect((await searchInitiatives('9123')).map((x) => x.id)).toEqual(['i1']);
    expect((await searchInitiatives('plan cusco')).map((x) => x.id)).toEqual(['i2']);
  });

  it('the kinds and stages come from the device when the server cannot be reached', async () => {
    const srv = server(() => ({ status: 200, body: META }));
    expect((await loadMeta()).kinds).toHaveLength(2);
    forgetMeta();
    await new Promise((r) => setTimeout(r, 0)); // the copy is written in the background
    srv.down();
    expect((await loadMeta()).roles.map((r) => r.code)).toEqual(['author', 'opponent']);
  });
});

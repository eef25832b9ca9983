import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type Initiative, type InitiativeMeta, type User } from '../api';
import { setLang } from '../i18n';
import { forgetMeta } from '../initiatives';
import { useMemoryStore } from '../offline/db';
import { InitiativeDetail } from './InitiativeDetail';
import { Initiatives } from './Initiatives';

const n = (code: string, es: string, en: string) => ({ code, name_es: es, name_en: en });
const META: InitiativeMeta = {
  kinds: [
    { ...n('bill', 'Proyecto de ley', 'Bill'), stages: [n('presented', 'Presentado', 'Presented'), n('in_committee', 'En comisión', 'In committee'), n('approved', 'Aprobado', 'Approved')] },
    { ...n('other', 'Otra', 'Other'), stages: [n('proposed', 'Propuesta', 'Proposed')] },
  ],
  roles: [n('author', 'Autor', 'Author'), n('opponent', 'Opositor', 'Opponent')],
};
const bill = (id: string, stage: string, title: string): Initiative => ({
  id, kind: 'bill', title, number: `PL ${id}`, region: '08', stage, stage_on: '2026-11-20', version: 2, summary: '', tags: [], owner_id: 'u1', owner_name: 'Ana', created_at: '2026-10-01T15:00:00Z', updated_at: '2026-11-20T15:00:00Z',
  stakeholders: [{ stakeholder_id: 's1', name: 'Rosa Quispe', kind: 'legislator', role: 'author' }],
  history: [{ stage: 'presented', on: '2026-10-01', note: 'Presentado al Congreso', by_name: 'Ana', at: '2026-10-01T15:00:00Z' }, { stage, on: '2026-11-20', note: 'Decretado a comisión', by_name: 'Ana', at: '2026-11-20T15:00:00Z' }],
  commitments: [{ id: 'c1', text: 'Votar a favor', status: 'pending', stakeholder_name: 'Rosa Quispe', made_on: '2026-11-01' }],
  meetings: [{ id: 'm1', summary: 'Reunión en el despacho', held_on: '2026-11-01' }],
});

type Answer = { status: number; body: unknown };
/** serve answers fetch by path (method + path) and records the requests. */
function serve(routes: Record<string, () => Answer>) {
  const calls: { method: string; url: string; body?: unknown }[] = [];
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input).replace('/api/v1', '');
    const method = init?.method ?? 'GET';
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const path = url.split('?')[0];
    const r = routes[`${method} ${path}`]?.() ?? { status: 404, body: { title: 'Not Found' } };
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': r.status >= 400 ? 'application/problem+json' : 'application/json' } });
  }) as typeof fetch;
  return calls;
}

const until = async (fn: () => boolean, what: string) => {
  for (let i = 0; i < 100 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(fn(), what).toBe(true);
};

const mount = (el: preact.JSX.Element) => {
  const root = document.createElement('div');
  document.body.append(root);
  render(el, root);
  return root;
};

describe('initiative pages', () => {
  beforeEach(() => {
    useMemoryStore();
    forgetMeta();
    setLang('es');
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    api.onUser?.({ id: 'u1', email: 'ana@alianza.test', name: 'Ana', role: 'officer', regions: ['08'] } as User);
  });
  afterEach(() => {
    render(null, document.body.firstElementChild as HTMLElement);
    document.body.innerHTML = '';
    history.replaceState(null, '', '/');
  });

  it('the board has a column per stage of the chosen kind, in order, each card in its stage', async () => {
    history.replaceState(null, '', '/initiatives?view=board&kind=bill');
    const calls = serve({
      'GET /initiatives/meta': () => ({ status: 200, body: META }),
      'GET /initiatives': () => ({ status: 200, body: { items: [bill('a1', 'in_committee', 'Ley de refugios'), bill('a2', 'presented', 'Ley de datos')] } }),
    });
    const root = mount(<Initiatives />);
    await until(() => root.querySelectorAll('[data-testid="initiative-card"]').length === 2, 'two cards');
    const cols = [...root.querySelectorAll('[data-testid^="stage-col-"]')].map((c) => c.getAttribute('data-testid'));
    expect(cols).toEqual(['stage-col-presented', 'stage-col-in_committee', 'stage-col-approved']);
    expect(root.querySelector('[data-testid="stage-col-in_committee"]')?.textContent).toContain('Ley de refugios');
    expect(root.querySelector('[data-testid="stage-col-in_committee"] h2')?.textContent).toContain('En comisión');
    expect(calls.some((c) => c.url.startsWith('/initiatives?') && c.url.includes('kind=bill'))).toBe(true);
  });

  it('"moved in the last 30 days" asks for moved_since', async () => {
    history.replaceState(null, '', '/initiatives?view=moved');
    const calls = serve({
      'GET /initiatives/meta': () => ({ status: 200, body: META }),
      'GET /initiatives': () => ({ status: 200, body: { items: [] } }),
    });
    const root = mount(<Initiatives />);
    await until(() => !!root.querySelector('[data-testid="empty"]'), 'the empty list');
    const q = new URLSearchParams(calls.find((c) => c.url.startsWith('/initiatives?'))!.url.split('?')[1]);
    expect(q.get('moved_since')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('shows its stakeholders with roles, commitments, meetings and history; a stale stage change offers a reload', async () => {
    let version = 2;
    const calls = serve({
      'GET /initiatives/meta': () => ({ status: 200, body: META }),
      'GET /initiatives/a1': () => ({ status: 200, body: { ...bill('a1', 'in_committee', 'Ley de refugios'), version } }),
      'POST /initiatives/a1/stage': () => ({ status: 409, body: { title: 'Conflict', detail: 'Otra persona cambió esta iniciativa.', code: 'version_conflict' } }),
    });
    const root = mount(<InitiativeDetail id="a1" />);
    await until(() => !!root.querySelector('[data-testid="stage-form"]') && !!root.querySelector('#new-stage option[value="approved"]'), 'the page with its stage form');
    expect(root.querySelector('[data-testid="initiative-stakeholder"]')?.textContent).toContain('Autor');
    expect(root.querySelector('[data-testid="initiative-commitment"]')?.textContent).toContain('Votar a favor');
    expect(root.querySelector('[data-testid="initiative-meeting"]')?.textContent).toContain('Reunión en el despacho');
    // Newest first.
    expect([...root.querySelectorAll('[data-testid="stage-entry"]')].map((e) => e.getAttribute('data-stage'))).toEqual(['in_committee', 'presented']);
    // The current stage is not offered.
    expect(root.querySelector('#new-stage option[value="in_committee"]')).toBeNull();

    const stage = root.querySelector<HTMLSelectElement>('#new-stage')!;
    stage.value = 'approved';
    stage.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    root.querySelector<HTMLButtonElement>('[data-testid="save-stage"]')!.click();
    await until(() => !!root.querySelector('[data-testid="stage-form"] [data-testid="error"]'), 'the conflict');
    const sent = calls.find((c) => c.method === 'POST');
    expect(sent?.body).toMatchObject({ stage: 'approved', version: 2 });
    const reload = root.querySelector<HTMLButtonElement>('[data-testid="stage-form"] [data-testid="error"] button')!;
    expect(reload.textContent).toBe('Recargar');
    version = 3;
    reload.click();
    await until(() => calls.filter((c) => c.url === '/initiatives/a1').length === 2, 'the initiative read again');
  });
});

import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../i18n';
import { getSession } from '../session';
import { Login } from './Login';

const user = { id: 'u1', email: 'ana@alianza.test', name: 'Ana', role: 'manager', regions: ['08'], disabled: false, two_factor: true, version: 1, created_at: '2026-01-01T00:00:00Z' };

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function type(root: HTMLElement, id: string, value: string) {
  const el = root.querySelector<HTMLInputElement>(`#${id}`)!;
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('Login with a second factor', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('asks for the code when the server says totp_required, then signs in with it', async () => {
    setLang('en');
    const bodies: unknown[] = [];
    const answers = [
      answer(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'totp_required' }),
      answer(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'totp_invalid' }),
      answer(200, { access_token: 't', token_type: 'Bearer', expires_in: 900, user }),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const path = new URL(String(input), 'http://x').pathname;
        if (path !== '/api/v1/auth/login') return answer(404, { status: 404 });
        bodies.push(JSON.parse(String(init?.body)));
        return answers.shift()!;
      }),
    );
    const root = document.createElement('div');
    document.body.append(root);
    render(<Login />, root);
    type(root, 'email', 'ana@alianza.test');
    type(root, 'password', 'una clave bastante larga');
    await tick(); // Preact renders the typed values before the form reads them
    const submit = () => root.querySelector<HTMLFormElement>('form')!.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
    submit();
    await vi.waitFor(() => expect(root.querySelector('#totp')).not.toBeNull());
    expect(root.querySelector('#password')).toBeNull();
    expect(root.querySelector('[data-testid="error"]')).toBeNull();
    type(root, 'totp', '000000');
    await tick();
    submit();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="error"]')?.textContent).toContain('code is wrong'));
    type(root, 'totp', '123456');
    await tick();
    submit();
    await vi.waitFor(() => expect(getSession().status).toBe('in'));
    await tick();
    expect(bodies).toEqual([
      { email: 'ana@alianza.test', password: 'una clave bastante larga' },
      { email: 'ana@alianza.test', password: 'una clave bastante larga', totp: '000000' },
      { email: 'ana@alianza.test', password: 'una clave bastante larga', totp: '123456' },
    ]);
  });
});

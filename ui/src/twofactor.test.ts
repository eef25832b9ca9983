import { describe, expect, it, vi } from 'vitest';
import { ApiError, Client } from './api';

type Call = { url: string; init: RequestInit };

const user = { id: 'u1', email: 'a@b.pe', name: 'Ana', role: 'manager', regions: ['08'], disabled: false, two_factor: true, version: 1, created_at: '2026-01-01T00:00:00Z' };

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

function fake(...answers: Response[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('unexpected call');
    return next;
  });
  return { fn: fn as unknown as typeof fetch, calls };
}

describe('two-step sign-in', () => {
  it('sends the code only on the second step and reports totp_required with its code', async () => {
    const f = fake(
      answer(401, { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'totp_required' }),
      answer(200, { access_token: 't', token_type: 'Bearer', expires_in: 900, user }),
    );
    const c = new Client(f.fn);
    const err = await c.login('a@b.pe', 'una clave larga').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('totp_required');
    expect(JSON.parse(String(f.calls[0].init.body))).toEqual({ email: 'a@b.pe', password: 'una clave larga' });
    await c.login('a@b.pe', 'una clave larga', '123456');
    expect(JSON.parse(String(f.calls[1].init.body))).toEqual({ email: 'a@b.pe', password: 'una clave larga', totp: '123456' });
    expect(c.accessToken).toBe('t');
  });

  it('tells the app when the server requires enrolment first', async () => {
    const f = fake(
      answer(200, { access_token: 't', token_type: 'Bearer', expires_in: 900, user }),
      answer(403, { type: 'about:blank', title: 'Forbidden', status: 403, code: 'totp_enrolment_required' }),
      answer(403, { type: 'about:blank', title: 'Forbidden', status: 403, code: 'forbidden' }),
    );
    const c = new Client(f.fn);
    const onEnrol = vi.fn();
    c.onEnrolmentRequired = onEnrol;
    await c.login('a@b.pe', 'una clave larga');
    await expect(c.get('/stakeholders')).rejects.toBeInstanceOf(ApiError);
    expect(onEnrol).toHaveBeenCalledTimes(1);
    await expect(c.get('/users')).rejects.toBeInstanceOf(ApiError);
    expect(onEnrol).toHaveBeenCalledTimes(1);
  });
});

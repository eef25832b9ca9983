import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type Me } from '../api';
import { setLang } from '../i18n';
import { TwoFactor } from './TwoFactor';

const me: Me = {
  id: 'u1', email: 'ana@alianza.test', name: 'Ana', role: 'manager', regions: ['08'], disabled: false, two_factor: false, version: 1,
  created_at: '2026-01-01T00:00:00Z', digest: 'off', lang: 'es', calendar_feed: false, calendar_alarm_min: 0, two_factor_required: true,
};

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('TwoFactor enrolment', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.innerHTML = '';
  });

  it('shows the QR code and key, confirms a code and shows the recovery codes once', async () => {
    setLang('es');
    const codes = Array.from({ length: 10 }, (_, i) => `abcd-efgh-ij${String.fromCharCode(97 + i)}${String.fromCharCode(97 + i)}`);
    const calls: [string, string, unknown][] = [];
    vi.spyOn(api, 'request').mockImplementation(async (method: string, path: string, opts?: { body?: unknown }) => {
      calls.push([method, path, opts?.body]);
      if (path === '/me/totp') return { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/Alianza:ana@alianza.test?secret=JBSWY3DPEHPK3PXP&issuer=Alianza' };
      if (path === '/me/totp/confirm') return { recovery_codes: codes };
      throw new Error('unexpected ' + path);
    });
    const done = vi.fn();
    const root = document.createElement('div');
    document.body.append(root);
    render(<TwoFactor me={me} onChanged={done} />, root);
    expect(root.querySelector('[data-testid="totp-required"]')).not.toBeNull();
    root.querySelector<HTMLButtonElement>('[data-testid="totp-start"]')!.click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="totp-qr"]')).not.toBeNull());
    expect(root.querySelector('[data-testid="totp-secret"]')!.textContent).toBe('JBSWY3DPEHPK3PXP');
    const input = root.querySelector<HTMLInputElement>('#totp-code')!;
    input.value = '123456';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    root.querySelector<HTMLButtonElement>('[data-testid="totp-confirm"]')!.click();
    await vi.waitFor(() => expect(root.querySelectorAll('.recovery-codes li')).toHaveLength(10));
    expect(calls).toEqual([
      ['POST', '/me/totp', {}],
      ['POST', '/me/totp/confirm', { code: '123456' }],
    ]);
    expect(root.querySelector('[data-testid="totp-secret"]')).toBeNull();
    root.querySelector<HTMLButtonElement>('[data-testid="totp-done"]')!.click();
    await tick();
    expect(done).toHaveBeenCalledTimes(1);
    expect(root.querySelector('.recovery-codes')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { MAIL_CSP, mailSrcdoc } from './mailhtml';

describe('mailSrcdoc', () => {
  it('puts a CSP that blocks remote content before the message', () => {
    const doc = mailSrcdoc('<p>Hola</p><img src="https://tracker.example/x.gif">');
    const cspAt = doc.indexOf('Content-Security-Policy');
    expect(cspAt).toBeGreaterThan(0);
    expect(cspAt).toBeLessThan(doc.indexOf('<p>Hola</p>'));
    expect(MAIL_CSP).toContain("default-src 'none'");
    expect(MAIL_CSP).toContain('img-src data: cid:');
    expect(MAIL_CSP).not.toMatch(/script-src|https?:/);
  });
});

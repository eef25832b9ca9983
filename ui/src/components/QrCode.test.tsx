import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import QrCode from './QrCode';

describe('QrCode', () => {
  it('draws the otpauth URI as one labelled SVG path', () => {
    const root = document.createElement('div');
    render(<QrCode text="otpauth://totp/Alianza:ana@alianza.test?secret=JBSWY3DPEHPK3PXP&issuer=Alianza" label="QR" />, root);
    const svg = root.querySelector('svg')!;
    expect(svg.getAttribute('aria-label')).toBe('QR');
    const size = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    // Version 4 or more for this length, plus the border on both sides.
    expect(size).toBeGreaterThanOrEqual(33 + 4);
    const d = root.querySelector('path')!.getAttribute('d')!;
    expect(d.match(/M/g)!.length).toBeGreaterThan(200);
  });
});

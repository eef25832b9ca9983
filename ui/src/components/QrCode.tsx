// A QR code drawn as SVG from text (an otpauth:// URI). Loaded on demand: uqr
// is only needed on the enrolment screen, not in the initial download.
import { encode } from 'uqr';
import './TwoFactor.css';

export default function QrCode({ text, label }: { text: string; label: string }) {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  // One path of unit squares: small, crisp at any size, no inline styles.
  let d = '';
  data.forEach((row, y) => row.forEach((on, x) => on && (d += `M${x} ${y}h1v1h-1z`)));
  return (
    <svg class="qr-code" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} data-testid="totp-qr" shape-rendering="crispEdges">
      <rect width={size} height={size} class="qr-light" />
      <path d={d} class="qr-dark" />
    </svg>
  );
}

// Builds the srcdoc for showing a message's (already sanitised) HTML in a sandboxed iframe.
// The CSP meta is a second lock: no scripts, no remote loads; images only from data: and cid:.
// No <style> of our own: a srcdoc frame inherits the app's CSP (style-src 'self'), which would block it.

export const MAIL_CSP = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'";

export function mailSrcdoc(html: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">` +
    '<meta name="referrer" content="no-referrer">' +
    `</head><body>${html}</body></html>`
  );
}

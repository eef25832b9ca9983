// Idempotency keys for writes. A key is kept per (method, path, body) until
// the server answers: sending the same save again after a lost answer (or a
// reload that restored the draft) reuses the key, and the server replays the
// first result instead of creating a second record. Keys live in
// localStorage, dropped once answered or after a day (the server's window).

const STORE_KEY = 'alianza.idempotency';
const MAX_AGE_MS = 23 * 60 * 60 * 1000;

interface Entry {
  key: string;
  at: number;
}

type Table = Record<string, Entry>;

export function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** signature is a compact stable digest of a request (FNV-1a, 2×32 bits). */
export function signature(method: string, path: string, body: unknown): string {
  const s = `${method} ${path} ${JSON.stringify(body)}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `${method} ${path} ${h1.toString(16)}${h2.toString(16)}`;
}

export class KeyStore {
  private mem: Table = {};
  constructor(private storage: Storage | undefined = globalThis.localStorage, private now = () => Date.now()) {}

  private read(): Table {
    try {
      const raw = this.storage?.getItem(STORE_KEY);
      if (raw) return JSON.parse(raw) as Table;
    } catch {
      /* storage blocked or corrupt: memory only */
    }
    return { ...this.mem };
  }

  private write(t: Table): void {
    const cutoff = this.now() - MAX_AGE_MS;
    for (const k of Object.keys(t)) if (t[k].at < cutoff) delete t[k];
    this.mem = t;
    try {
      this.storage?.setItem(STORE_KEY, JSON.stringify(t));
    } catch {
      /* ignore */
    }
  }

  /** take returns the key for this request (the pending one if it was sent before) and done() to forget it once answered. */
  take(method: string, path: string, body: unknown): { key: string; done: (answered: boolean) => void } {
    const sig = signature(method, path, body);
    const t = this.read();
    let e = t[sig];
    if (!e || e.at < this.now() - MAX_AGE_MS) {
      e = { key: newKey(), at: this.now() };
      t[sig] = e;
      this.write(t);
    }
    const key = e.key;
    return {
      key,
      done: (answered) => {
        if (!answered) return;
        const cur = this.read();
        if (cur[sig]?.key === key) {
          delete cur[sig];
          this.write(cur);
        }
      },
    };
  }
}

export const idempotencyKeys = new KeyStore();

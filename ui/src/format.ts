// Dates and times are shown in America/Lima, whatever the device's zone.
import { getLang } from './i18n';

export const TZ = 'America/Lima';
/** Lima has no daylight saving: always UTC-5. */
export const LIMA_OFFSET = '-05:00';

function locale(): string {
  return getLang() === 'es' ? 'es-PE' : 'en-US';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale()}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), opts);
    cache.set(key, f);
  }
  return f;
}

/** formatDateTime shows an RFC 3339 instant as a Lima date and time. */
export function formatDateTime(iso?: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return fmt('dt', { timeZone: TZ, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** formatInstantDate shows only the Lima calendar date of an instant. */
export function formatInstantDate(iso?: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return fmt('idate', { timeZone: TZ, dateStyle: 'medium' }).format(d);
}

/** formatDay shows a calendar date (YYYY-MM-DD) without shifting it across zones. */
export function formatDay(day?: string | null): string {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12));
  return fmt('day', { timeZone: 'UTC', dateStyle: 'medium' }).format(d);
}

/** formatMonth shows "2026-03" as a month and its whole year ("mar 2026"; "Dic. 26" read as 26 December). */
export function formatMonth(month: string, long = false): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  if (!m) return month;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, 15));
  const s = fmt(long ? 'month-long' : 'month', { timeZone: 'UTC', month: long ? 'long' : 'short', year: 'numeric' }).format(d);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** formatQuarter shows "2026-Q4" as "4.º trimestre de 2026" / "Q4 2026". */
export function formatQuarter(q: string): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(q);
  if (!m) return q;
  return getLang() === 'es' ? `${m[2]}.º trimestre de ${m[1]}` : `Q${m[2]} ${m[1]}`;
}

/** formatAge says how long ago an instant was ("hace 5 minutos"), for copies kept on the device. */
export function formatAge(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (min < 60) return rtf.format(-min, 'minute');
  if (min < 48 * 60) return rtf.format(-Math.round(min / 60), 'hour');
  return rtf.format(-Math.round(min / 1440), 'day');
}

/** limaParts returns the Lima wall-clock fields of an instant. */
function limaParts(d: Date): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const out: Record<string, string> = {};
  for (const p of parts) out[p.type] = p.value;
  return out;
}

/** todayInLima returns today's date in Lima as YYYY-MM-DD. */
export function todayInLima(now = new Date()): string {
  const p = limaParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** limaLocalInput gives the value for an <input type="datetime-local"> showing Lima time. */
export function limaLocalInput(now = new Date()): string {
  const p = limaParts(now);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** limaLocalToISO turns a Lima wall-clock "YYYY-MM-DDTHH:MM" into an RFC 3339 UTC instant. */
export function limaLocalToISO(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return '';
  const d = new Date(`${local}:00${LIMA_OFFSET}`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
}

/** addDays adds n days to a YYYY-MM-DD date. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + n));
  return dt.toISOString().slice(0, 10);
}

/** byDueDate orders items by due date, oldest (most overdue) first, undated last; stable otherwise. */
export function byDueDate<T extends { due_on?: string | null }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.due_on || '9999').localeCompare(b.due_on || '9999'));
}

/** formatNumber groups digits as the app's language does ("20,000" in Peru, "20,000" in English). */
export function formatNumber(n: number): string {
  return n.toLocaleString(locale());
}

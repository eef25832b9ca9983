// Client-side checks run before a form is sent; the server checks again.
// Each returns a map from field path (same names the server uses) to a translation key.
import { limit } from './limits';

export type Errors = Record<string, string>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export function isEmail(s: string): boolean {
  return EMAIL.test(s.trim());
}

export function hasErrors(e: Errors): boolean {
  return Object.keys(e).length > 0;
}

export function validateLogin(v: { email: string; password: string }): Errors {
  const e: Errors = {};
  if (!v.email.trim()) e.email = 'validation.required';
  else if (!isEmail(v.email)) e.email = 'validation.email';
  if (!v.password) e.password = 'validation.required';
  return e;
}

export interface MeetingDraftCommitment {
  stakeholder_id: string;
  text: string;
  type: string;
  due_on: string;
  /** the initiative it is about: one of the meeting's initiatives */
  initiative_id?: string;
}
export interface MeetingDraftTask {
  title: string;
  due_on: string;
  assignee_id: string;
}
import type { TrainingDraft } from './components/TrainingFields';

export interface MeetingDraft {
  starts_at: string; // Lima local "YYYY-MM-DDTHH:MM"
  duration_min: string;
  kind: string;
  region: string;
  place: string;
  participants: { stakeholder_id: string; name: string; role: string }[];
  topics: string[];
  summary: string;
  agreements: string;
  next_steps: string;
  commitments: MeetingDraftCommitment[];
  tasks: MeetingDraftTask[];
  /** the initiatives discussed (ids with titles to show) */
  initiatives?: { id: string; title: string }[];
  /** people created from this draft (offered for removal when it is discarded) */
  created?: { id: string; name: string }[];
  training?: TrainingDraft; // kind training only
}

/** validateMeeting checks a meeting draft; field names match the server's (commitments[1].due_on). */
export function validateMeeting(m: MeetingDraft): Errors {
  const e: Errors = {};
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(m.starts_at)) e.starts_at = 'validation.required';
  const dur = Number(m.duration_min);
  if (m.duration_min !== '' && (!Number.isInteger(dur) || dur < 0 || dur > 24 * 60)) e.duration_min = 'validation.duration';
  if (!m.kind) e.kind = 'validation.required';
  if (!m.region) e.region = 'validation.required';
  if (m.participants.length === 0 && m.kind !== 'training') e.participants = 'validation.participants';
  if (!m.summary.trim()) e.summary = 'validation.required';
  const ids = new Set(m.participants.map((p) => p.stakeholder_id));
  m.commitments.forEach((c, i) => {
    if (!c.stakeholder_id) e[`commitments[${i}].stakeholder_id`] = 'validation.required';
    else if (!ids.has(c.stakeholder_id)) e[`commitments[${i}].stakeholder_id`] = 'validation.participant_only';
    if (!c.text.trim()) e[`commitments[${i}].text`] = 'validation.required';
    if (!c.type) e[`commitments[${i}].type`] = 'validation.required';
    if (!c.due_on) e[`commitments[${i}].due_on`] = 'validation.required';
    else if (!isDay(c.due_on)) e[`commitments[${i}].due_on`] = 'validation.date';
  });
  m.tasks.forEach((tk, i) => {
    if (!tk.title.trim()) e[`tasks[${i}].title`] = 'validation.required';
    if (!tk.due_on) e[`tasks[${i}].due_on`] = 'validation.required';
    else if (!isDay(tk.due_on)) e[`tasks[${i}].due_on`] = 'validation.date';
  });
  return e;
}

export interface StakeholderForm {
  kind: string;
  name: string;
  emails: string;
  phones?: string;
  tags?: string;
  committees?: string;
  stance: string;
  influence: string;
  regions: string[];
}

/** itemTooLong reports a list (one value per comma or line) holding a value longer than max. */
export const itemTooLong = (s: string, max: number, split: (s: string) => string[] = splitList) => split(s).some((x) => [...x].length > max);

export function validateStakeholder(s: StakeholderForm): Errors {
  const e: Errors = {};
  if (!s.kind) e.kind = 'validation.required';
  if (!s.name.trim()) e.name = 'validation.required';
  const bad = splitList(s.emails).find((x) => !isEmail(x));
  if (bad) e.emails = 'validation.email';
  // The server limits each value of these lists (the field as a whole has no limit to count).
  if (itemTooLong(s.phones ?? '', limit('stakeholder.phone'))) e.phones = 'validation.item_too_long';
  if (itemTooLong(s.tags ?? '', limit('stakeholder.tag'))) e.tags = 'validation.item_too_long';
  if (s.kind === 'legislator' && itemTooLong(s.committees ?? '', limit('legislator.committee'))) e['legislator.committees'] = 'validation.item_too_long';
  return e;
}

export function validateStatusChange(v: { status: string; note: string }, current: string): Errors {
  const e: Errors = {};
  if (!v.status) e.status = 'validation.required';
  else if (v.status === current) e.status = 'validation.same_status';
  if (!v.note.trim()) e.note = 'validation.required';
  return e;
}

export function validateUser(u: { email: string; name: string; role: string; regions: string[]; password: string }, creating: boolean): Errors {
  const e: Errors = {};
  if (!isEmail(u.email)) e.email = 'validation.email';
  if (!u.name.trim()) e.name = 'validation.required';
  if (!u.role) e.role = 'validation.required';
  if (u.regions.length === 0) e.regions = 'validation.required';
  if (creating || u.password) {
    if (u.password.length < 12) e.password = 'validation.password';
  }
  return e;
}

/** splitList turns "a, b\nc" into ["a","b","c"]. */
export function splitList(s: string): string[] {
  return s
    .split(/[,;\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

// The one module that talks to the Alianza HTTP API (/api/v1).
// The access token lives only in memory; the session survives reloads through the
// HttpOnly refresh cookie (POST /auth/refresh), which is also used silently on a 401.

import { getLang } from './i18n';
import { idempotencyKeys } from './idempotency';
import type { components } from './api-types';

export const API_BASE = '/api/v1';

// ---------- domain types ----------
// Generated from the server's OpenAPI document (src/api-types.ts, npm run
// gen:api); the names below are short aliases, not copies.

type Schemas = components['schemas'];

export type User = Schemas['api.userView'];
export type Role = User['role'];
/** Me is the signed-in user with their own settings (GET/PATCH /me). */
export type Me = Schemas['api.meView'];
export type TOTPEnrolment = Schemas['api.totpEnrolmentView'];
export type Notification = Schemas['notify.Item'];
export type DigestRun = Schemas['store.DigestRun'];
export type RemindersAdmin = Schemas['api.remindersAdminView'];
export type LoginResponse = Schemas['api.tokenResponse'];

/** Page is one page of a list: every list route answers with items and a cursor. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export type Region = Schemas['model.Region'];
export type Stakeholder = Schemas['api.stakeholderView'];
export type StakeholderKind = Stakeholder['kind'];
export type Stance = Stakeholder['stance'];
export type Influence = Stakeholder['influence'];
export type LegislatorInfo = Schemas['model.Legislator'];
export type CommitteeInfo = Schemas['model.Committee'];
export type Relationship = Schemas['api.relationshipView'];
export type TimelineItem = Schemas['store.TimelineItem'];

export type Participant = Schemas['model.Participant'];
export type Meeting = Schemas['model.Meeting'];
/** Training is the audience of a meeting of kind training: people per audience type, no stakeholder per attendee. */
export type Training = Schemas['model.Training'];
/** Optional makes the keys K of T optional: the server reads a missing field as empty. */
type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type CommitmentCreate = Schemas['model.CommitmentInput'];
export type TaskCreate = Optional<Schemas['model.TaskInput'], 'links'>;
export type MeetingCreate = Optional<Omit<Schemas['model.MeetingInput'], 'tasks'>, 'staff_ids'> & { tasks?: TaskCreate[] };

export type HistoryEntry = Schemas['model.StatusChange'];
export type Commitment = Schemas['api.commitmentView'];
export type TaskLinks = Schemas['model.TaskLinks'];
export type Task = Schemas['api.taskView'];
export type TeamMember = Schemas['store.TeamMember'];
export type CommitmentStatus = Commitment['status'];
export type CommitmentType = Commitment['type'];
export type RelationshipKind = Relationship['kind'];
/** ReviewStatus is a status a person may give a message (not "failed"). */
export type ReviewStatus = Schemas['api.bulkStatusRequest']['status'];

export type Address = Schemas['model.Address'];
export type Message = Schemas['api.messageView'];
/** MessagePatch is a review change to one message, guarded by its version. */
export type MessagePatch = Schemas['model.MessagePatch'] & { version: number };
export type Thread = Schemas['api.threadView'];
export type UnmatchedAddress = Schemas['store.UnmatchedAddress'];
export type MailFolderState = Schemas['model.FolderState'];
export type Mailbox = Schemas['api.mailboxView'];

export type SearchResults = Schemas['store.SearchResults'];
export type StorageReport = Schemas['api.storageView'];
export type EraseReport = Schemas['store.EraseReport'];
export type ImportResult = Schemas['workflow.ImportResult'];
/** Enums maps each enum's name (stances, roles...) to its values, from GET /enums. */
export type Enums = Record<string, string[]>;

export type CountByRegionStatus = Schemas['api.statusRow'];
export type MeetingsPerMonth = Schemas['api.monthRow'];
export type OverdueByOwner = Schemas['api.overdueRow'];
export type TrainingsReport = Schemas['api.trainingReport'];
export type FunderReport = Schemas['api.funderReport'];
export type Fulfilment = Schemas['store.Fulfilment'];
export type LegislatorsReport = Schemas['api.legislatorReport'];
export type IndicatorList = Schemas['api.indicatorList'];
export type Indicator = Schemas['api.indicatorView'];
export type IndicatorRecords = Schemas['api.indicatorRecords'];
export type IndicatorRecord = Schemas['store.IndicatorRecord'];

// Policy initiatives (issue 24): kinds, stages and roles are codes the server names (GET /initiatives/meta).
export type Initiative = Schemas['api.initiativeView'];
export type InitiativeMeta = Schemas['api.initiativeMeta'];
/** Named is a code with its Spanish and English names. */
export type Named = Schemas['model.Named'];
export type StageChange = Schemas['model.StageChange'];
export type InitiativeInput = Schemas['model.InitiativeInput'];
export type InitiativePatch = Schemas['model.InitiativePatch'] & { version: number };
export type StageChangeInput = Schemas['model.StageInput'] & { version: number };

// ---------- errors ----------

export type FieldError = Schemas['model.FieldError'];

/** ApiError is every failure the client reports: an HTTP problem or no connection (status 0). */
export class ApiError extends Error {
  status: number;
  title: string;
  detail: string;
  type: string;
  errors: FieldError[];
  retryAfter?: number;
  /** the problem's own code (e.g. idempotency_key_reused) */
  code: string;

  constructor(init: { status: number; title?: string; detail?: string; type?: string; errors?: FieldError[]; retryAfter?: number; code?: string }) {
    super(init.detail || init.title || `HTTP ${init.status}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title ?? '';
    this.detail = init.detail ?? '';
    this.type = init.type ?? 'about:blank';
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
    this.code = init.code ?? '';
  }

  /** isNetwork is true when the server could not be reached at all. */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** fieldErrors maps field paths (e.g. "commitments[1].due_on") to the first message for each. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) if (e.field && !(e.field in out)) out[e.field] = e.message;
    return out;
  }
}

/** parseRetryAfter reads a Retry-After header (seconds or HTTP date) as whole seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return parseInt(s, 10);
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

/** toApiError turns a non-2xx response (problem+json or not) into an ApiError. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  const ct = res.headers.get('content-type') ?? '';
  if (ct.includes('json')) {
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      body = {};
    }
  }
  const rawErrors = Array.isArray(body.errors) ? body.errors : [];
  const errors: FieldError[] = rawErrors
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .map((e) => ({ field: String(e.field ?? ''), code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? '') }));
  return new ApiError({
    status: res.status,
    title: typeof body.title === 'string' ? body.title : res.statusText,
    detail: typeof body.detail === 'string' ? body.detail : '',
    type: typeof body.type === 'string' ? body.type : undefined,
    errors,
    retryAfter: parseRetryAfter(res.headers.get('retry-after')),
    code: typeof body.code === 'string' ? body.code : undefined,
  });
}

// ---------- client ----------

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

/** qs builds "?a=1&b=2" from defined, non-empty values ("" when nothing is set). */
export function qs(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

interface RequestOpts {
  query?: Query;
  body?: unknown;
  /** raw body (FormData) sent as is */
  form?: FormData;
  /** return the Response instead of parsing JSON (downloads) */
  raw?: boolean;
  signal?: AbortSignal;
  /** Idempotency-Key to send; writes get one from idempotencyKeys when unset */
  idempotencyKey?: string;
}

type FetchFn = typeof fetch;

/** Client holds the in-memory access token and does the refresh-and-retry dance. */
export class Client {
  private token: string | null = null;
  private refreshing: Promise<LoginResponse | null> | null = null;
  private fetchFn: FetchFn;
  /** Called when the session ends (refresh failed after a 401). */
  onSessionLost: (() => void) | null = null;
  /** Called with the fresh user after every successful login or refresh. */
  onUser: ((u: User) => void) | null = null;
  /** Called when the server says the user must enrol a second factor before anything else. */
  onEnrolmentRequired: (() => void) | null = null;
  /** Set when the last refresh failed for want of a network, not because the session ended. */
  refreshFailedOffline = false;
  /** Set when the server refused the last refresh (401/403): the session is over (expired, revoked, signed out elsewhere). */
  sessionEnded = false;

  constructor(fetchFn?: FetchFn, private base = API_BASE) {
    this.fetchFn = fetchFn ?? ((input, init) => fetch(input, init));
  }

  get accessToken(): string | null {
    return this.token;
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  private async send(method: string, path: string, opts: RequestOpts, withAuth: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', 'Accept-Language': getLang() };
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (withAuth && this.token) headers.Authorization = `Bearer ${this.token}`;
    try {
      return await this.fetchFn(this.base + path + qs(opts.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({ status: 0, title: 'network', detail: String((e as Error)?.message ?? e) });
    }
  }

  /** request sends an authenticated call; on 401 it refreshes the session once and retries. */
  async request<T>(method: string, path: string, opts: RequestOpts = {}): Promise<T> {
    // Every write carries a key: the same save sent again (after a lost
    // answer, even after a reload) reuses it, so the server runs it once.
    let release: ((ok: boolean) => void) | undefined;
    if (method !== 'GET' && !opts.idempotencyKey && withKey(path)) {
      const k = idempotencyKeys.take(method, path, { b: opts.body ?? null, q: opts.query ?? null });
      opts = { ...opts, idempotencyKey: k.key };
      release = k.done;
    }
    try {
      const out = await this.requestOnce<T>(method, path, opts);
      release?.(true);
      return out;
    } catch (e) {
      // A refused write may be corrected and sent again; a lost one keeps its key.
      if (e instanceof ApiError && e.status !== 0 && e.status < 500 && e.code !== 'idempotency_in_flight') release?.(true);
      throw e;
    }
  }

  private async requestOnce<T>(method: string, path: string, opts: RequestOpts): Promise<T> {
    let res = await this.send(method, path, opts, true);
    if (res.status === 401) {
      const ok = await this.refresh();
      if (!ok) {
        this.onSessionLost?.();
        throw await toApiError(res);
      }
      res = await this.send(method, path, opts, true);
      if (res.status === 401) {
        this.token = null;
        this.onSessionLost?.();
      }
    }
    if (!res.ok) {
      const err = await toApiError(res);
      if (err.code === 'totp_enrolment_required') this.onEnrolmentRequired?.();
      throw err;
    }
    if (opts.raw) return res as unknown as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** refresh trades the refresh cookie for a new access token; concurrent callers share one call. */
  refresh(): Promise<LoginResponse | null> {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        this.refreshFailedOffline = false;
        this.sessionEnded = false;
        try {
          const res = await this.send('POST', '/auth/refresh', {}, false);
          if (!res.ok) {
            this.token = null;
            this.sessionEnded = res.status === 401 || res.status === 403;
            return null;
          }
          const data = (await res.json()) as LoginResponse;
          this.token = data.access_token;
          this.onUser?.(data.user);
          return data;
        } catch (e) {
          this.refreshFailedOffline = e instanceof ApiError && e.status === 0;
          return null;
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  /** login signs in; totp is the second factor's code (or a recovery code) when the server asked for it. */
  async login(email: string, password: string, totp?: string): Promise<LoginResponse> {
    const res = await this.send('POST', '/auth/login', { body: { email, password, ...(totp ? { totp } : {}) } }, false);
    if (!res.ok) throw await toApiError(res);
    const data = (await res.json()) as LoginResponse;
    this.token = data.access_token;
    this.onUser?.(data.user);
    return data;
  }

  async logout(): Promise<void> {
    try {
      await this.send('POST', '/auth/logout', {}, true);
    } finally {
      this.token = null;
    }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal) {
    return this.request<T>('GET', path, { query, signal });
  }
  post<T>(path: string, body?: unknown, query?: Query) {
    return this.request<T>('POST', path, { body, query });
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, { body });
  }
  del<T = void>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** download fetches a file with the bearer token and hands it to the browser as a Blob. */
  async download(path: string, query: Query, fallbackName: string, method: 'GET' | 'POST' = 'GET'): Promise<void> {
    const res = await this.request<Response>(method, path, { query, raw: true });
    const blob = await res.blob();
    const cd = res.headers.get('content-disposition') ?? '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
    const name = m ? decodeURIComponent(m[1]) : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

/** withKey: sign-in calls carry no user to key on. */
function withKey(path: string): boolean {
  return !path.startsWith('/auth/');
}

/** The app's single client. */
export const api = new Client();

// ---------- typed endpoints ----------

export const endpoints = {
  me: () => api.get<User>('/me'),
  myself: () => api.get<Me>('/me'),
  updateMe: (b: Schemas['model.PrefsPatch']) => api.patch<Me>('/me', b),
  createCalendarFeed: () => api.post<Schemas['api.calendarLink']>('/me/calendar'),
  deleteCalendarFeed: () => api.del('/me/calendar'),
  startTOTP: (code?: string) => api.post<TOTPEnrolment>('/me/totp', code ? { code } : {}),
  confirmTOTP: (code: string) => api.post<Schemas['api.recoveryCodesView']>('/me/totp/confirm', { code }),
  resetTOTP: (userId: string) => api.del(`/users/${userId}/totp`),
  notifications: () => api.get<Schemas['api.notificationsView']>('/notifications'),
  notificationsSeen: () => api.post<void>('/notifications/seen'),
  remindersAdmin: () => api.get<RemindersAdmin>('/admin/reminders'),
  regions: () => api.get<Page<Region>>('/regions'),
  enums: () => api.get<Enums>('/enums'),

  users: (q?: Query) => api.get<Page<User>>('/users', q),
  createUser: (b: Schemas['model.NewUser']) => api.post<User>('/users', b),
  updateUser: (id: string, b: Schemas['model.UserPatch']) => api.patch<User>(`/users/${id}`, b),

  stakeholders: (q?: Query, signal?: AbortSignal) => api.get<Page<Stakeholder>>('/stakeholders', q, signal),
  stakeholder: (id: string) => api.get<Stakeholder>(`/stakeholders/${id}`),
  createStakeholder: (b: Partial<Stakeholder>) => api.post<Stakeholder>('/stakeholders', b),
  updateStakeholder: (id: string, b: Schemas['model.StakeholderPatch']) => api.patch<Stakeholder>(`/stakeholders/${id}`, b),
  archiveStakeholder: (id: string) => api.del(`/stakeholders/${id}`),
  timeline: (id: string, cursor?: string) => api.get<Page<TimelineItem>>(`/stakeholders/${id}/timeline`, { cursor }),
  addRelationship: (id: string, b: Schemas['model.RelationshipInput']) =>
    api.post<Stakeholder>(`/stakeholders/${id}/relationships`, b),
  removeRelationship: (id: string, other: string) => api.del(`/stakeholders/${id}/relationships/${other}`),
  importStakeholders: (csv: string, dryRun: boolean) =>
    api.post<ImportResult>('/stakeholders/import', { csv, mapping: {} }, { dry_run: dryRun ? 'true' : undefined }),

  meetings: (q?: Query) => api.get<Page<Meeting>>('/meetings', q),
  meeting: (id: string) => api.get<Meeting>(`/meetings/${id}`),
  createMeeting: (b: MeetingCreate, idempotencyKey?: string) => api.request<Meeting>('POST', '/meetings', { body: b, idempotencyKey }),
  updateMeeting: (id: string, b: Schemas['model.MeetingPatch'] & { version: number }) => api.patch<Meeting>(`/meetings/${id}`, b),
  deleteMeeting: (id: string, withRecords: boolean) => api.request<void>('DELETE', `/meetings/${id}`, { query: { with_records: withRecords ? 'true' : undefined } }),
  updateCommitment: (id: string, b: Schemas['model.CommitmentPatch'] & { version: number }) =>
    api.patch<Commitment>(`/commitments/${id}`, b),
  deleteCommitment: (id: string) => api.del(`/commitments/${id}`),
  task: (id: string) => api.get<Task>(`/tasks/${id}`),
  deleteTask: (id: string) => api.del(`/tasks/${id}`),
  team: () => api.get<Page<TeamMember>>('/team'),

  commitments: (q?: Query) => api.get<Page<Commitment>>('/commitments', q),
  commitment: (id: string) => api.get<Commitment>(`/commitments/${id}`),
  setCommitmentStatus: (id: string, b: Schemas['model.StatusChangeInput'] & { version: number }) =>
    api.post<Commitment>(`/commitments/${id}/status`, b),

  tasks: (q?: Query) => api.get<Page<Task>>('/tasks', q),
  updateTask: (id: string, b: Schemas['model.TaskPatch'] & { version: number }) => api.patch<Task>(`/tasks/${id}`, b),

  initiativeMeta: () => api.get<InitiativeMeta>('/initiatives/meta'),
  initiatives: (q?: Query, signal?: AbortSignal) => api.get<Page<Initiative>>('/initiatives', q, signal),
  initiative: (id: string) => api.get<Initiative>(`/initiatives/${id}`),
  createInitiative: (b: InitiativeInput, idempotencyKey?: string) => api.request<Initiative>('POST', '/initiatives', { body: b, idempotencyKey }),
  updateInitiative: (id: string, b: InitiativePatch) => api.patch<Initiative>(`/initiatives/${id}`, b),
  setInitiativeStage: (id: string, b: StageChangeInput, idempotencyKey?: string) =>
    api.request<Initiative>('POST', `/initiatives/${id}/stage`, { body: b, idempotencyKey }),
  deleteInitiative: (id: string) => api.del(`/initiatives/${id}`),

  search: (q: string, signal?: AbortSignal) => api.get<SearchResults>('/search', { q }, signal),

  commitmentsByRegion: (q?: Query) => api.get<{ items: CountByRegionStatus[] }>('/reports/commitments-by-region', q),
  overdueReport: (q?: Query) => api.get<{ items: OverdueByOwner[] }>('/reports/overdue', q),
  funderReport: (q?: Query) => api.get<FunderReport>('/reports/funder', q),
  funderFulfilled: (q?: Query) => api.get<Page<Fulfilment>>('/reports/funder/fulfilled', q),
  indicators: (q?: Query) => api.get<IndicatorList>('/indicators', q),
  indicatorRecords: (code: string, q?: Query) => api.get<IndicatorRecords>(`/indicators/${encodeURIComponent(code)}/records`, q),
  setIndicatorTarget: (code: string, year: number, value: number) =>
    api.request<Schemas['model.IndicatorTarget']>('PUT', `/indicators/${encodeURIComponent(code)}/targets/${year}`, { body: { value } }),
  meetingsPerMonth: (q?: Query) => api.get<{ items: MeetingsPerMonth[] }>('/reports/meetings-per-month', q),
  legislatorsReport: (q?: Query) => api.get<LegislatorsReport>('/reports/legislators-with-commitments', q),
  trainingsReport: (q?: Query) => api.get<TrainingsReport>('/reports/trainings', q),
  activeCommittees: (q?: Query) => api.get<{ items: { region: string; count: number }[] }>('/reports/active-committees', q),

  messages: (q?: Query) => api.get<Page<Message>>('/messages', q),
  message: (id: string) => api.get<Message>(`/messages/${id}`),
  updateMessage: (id: string, b: MessagePatch) =>
    api.patch<Message>(`/messages/${id}`, b),
  bulkMessageStatus: (ids: string[], status: Schemas['api.bulkStatusRequest']['status']) => api.post<void>('/messages/bulk-status', { ids, status }),
  taskFromMessage: (id: string, b: Schemas['api.messageTaskRequest']) => api.post<Task>(`/messages/${id}/task`, b),
  commitmentFromMessage: (id: string, b: Schemas['api.messageCommitmentRequest']) =>
    api.post<Commitment>(`/messages/${id}/commitment`, b),
  thread: (id: string) => api.get<Thread>(`/threads/${id}`),
  messageCounts: (q?: Query) => api.get<Record<string, number>>('/messages/counts', q),
  unmatchedAddresses: (q?: Query) => api.get<Page<UnmatchedAddress>>('/messages/unmatched-addresses', q),
  linkAddress: (b: Schemas['api.linkAddressRequest']) =>
    api.post<Schemas['api.linkAddressResponse']>('/messages/link-address', b),

  mailboxes: () => api.get<Page<Mailbox>>('/mailboxes'),

  storage: () => api.get<StorageReport>('/admin/storage'),
  eraseStakeholder: (id: string, confirmName: string) => api.post<EraseReport>(`/admin/stakeholders/${id}/erase`, { confirm_name: confirmName }),
};

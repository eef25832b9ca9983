// Who is signed in, what they may do, and the reference lists loaded once per session.
import { useEffect, useState } from 'preact/hooks';
import { api, endpoints, type Enums, type Region, type User } from './api';
import { defaultEnums, defaultRegions } from './enums';
import { clearCache, loadCache } from './offline/cache';
import { t } from './i18n';
import { clearViews } from './offline/views';
import { idb } from './offline/db';

export type Status = 'loading' | 'anon' | 'in';

export interface SessionState {
  status: Status;
  user: User | null;
  regions: Region[];
  enums: Enums;
  /** set when the session ended by itself (expired), to explain the sign-in screen */
  expired: boolean;
  /** signed in from the device's copy, without signal: the server has not confirmed the session */
  offline?: boolean;
  /** the user's role requires a second factor they have not enrolled: the app shows only the enrolment */
  mustEnrol?: boolean;
}

let state: SessionState = { status: 'loading', user: null, regions: defaultRegions, enums: defaultEnums, expired: false };
const listeners = new Set<(s: SessionState) => void>();

function set(patch: Partial<SessionState>) {
  state = { ...state, ...patch };
  listeners.forEach((fn) => fn(state));
}

export function getSession(): SessionState {
  return state;
}

export function useSession(): SessionState {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return s;
}

// A hint (not a secret) that this browser has a session: without it the app
// shows the sign-in form at once instead of first asking the server to resume
// a session, which saves a round trip on slow connections. The refresh cookie
// itself is HttpOnly and cannot be read from here.
const HINT = 'alianza.session';
function hint(on: boolean) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    /* storage may be unavailable (private mode); the hint is only an optimisation */
  }
}
function hasHint(): boolean {
  try {
    return localStorage.getItem(HINT) === '1';
  } catch {
    return true;
  }
}

// The last signed-in user, kept on the device so the app opens without signal.
const LAST_USER = 'user:last';

api.onUser = (user) => {
  hint(true);
  set({ user, status: 'in', expired: false, offline: false });
  void idb.set(LAST_USER, user).catch(() => undefined);
};
api.onEnrolmentRequired = () => {
  if (!state.mustEnrol) set({ mustEnrol: true });
};
/** enrolled lets the app out of the enrolment screen once the second factor is on. */
export function enrolled(): void {
  set({ mustEnrol: false });
  void loadReference();
}
api.onSessionLost = () => {
  hint(false);
  const id = state.user?.id;
  if (state.status === 'in') set({ status: 'anon', user: null, expired: true });
  if (api.sessionEnded) void forgetDevice(id);
};

/**
 * forgetDevice removes what the device keeps to open the app without signal (the cached
 * stakeholders and lists, the last user) once the server says the session is over: expired,
 * revoked or ended elsewhere, as on sign-out. The outbox stays until the same user signs in again.
 */
async function forgetDevice(id?: string): Promise<void> {
  const last = id ?? (await idb.get<User>(LAST_USER).catch(() => undefined))?.id;
  await Promise.allSettled([...(last ? [clearCache(last), clearViews(last)] : []), idb.del(LAST_USER)]);
}

async function loadReference() {
  const [regions, enums] = await Promise.allSettled([endpoints.regions(), endpoints.enums()]);
  const patch: Partial<SessionState> = {};
  if (regions.status === 'fulfilled' && regions.value?.items?.length) patch.regions = regions.value.items;
  if (enums.status === 'fulfilled' && enums.value) patch.enums = { ...defaultEnums, ...enums.value };
  set(patch);
}

/** start tries to resume the session from the refresh cookie. */
export async function start(): Promise<void> {
  if (!hasHint()) {
    set({ status: 'anon', user: null });
    return;
  }
  const ok = navigator.onLine ? await api.refresh() : null;
  if (ok) {
    hint(true);
    set({ status: 'in', user: ok.user });
    void loadReference();
  } else if ((!navigator.onLine || api.refreshFailedOffline) && (await startOffline())) {
    // No network (the device may even claim to be online): keep working from the device.
    return;
  } else {
    hint(false);
    set({ status: 'anon', user: null });
    if (api.sessionEnded) await forgetDevice();
  }
}

/** startOffline opens the app for the last user from the device's copy; false when there is none. */
async function startOffline(): Promise<boolean> {
  const user = await idb.get<User>(LAST_USER).catch(() => undefined);
  if (!user) return false;
  const data = await loadCache(user.id).catch(() => undefined);
  set({ status: 'in', user, offline: true, ...(data ? { regions: data.regions, enums: { ...defaultEnums, ...data.enums } } : {}) });
  return true;
}

/** resume confirms an offline session with the server once the network answers (or ends it). */
async function resume(): Promise<void> {
  if (!state.offline) return;
  const ok = await api.refresh();
  if (ok) {
    set({ status: 'in', user: ok.user, offline: false });
    void loadReference();
  } else if (!api.refreshFailedOffline) {
    const id = state.user?.id;
    hint(false);
    set({ status: 'anon', user: null, offline: false, expired: true });
    if (api.sessionEnded) await forgetDevice(id);
  }
}

// When the signal returns (or every 15 s, since devices do not always say so), an offline
// session is confirmed with the server.
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => void resume());
  setInterval(() => void (state.offline && navigator.onLine && resume()), 15_000);
}

export async function signIn(email: string, password: string, totp?: string): Promise<void> {
  const r = await api.login(email, password, totp);
  hint(true);
  set({ status: 'in', user: r.user, expired: false, mustEnrol: false });
  void loadReference();
}

export async function signOut(): Promise<void> {
  const id = state.user?.id;
  try {
    await api.logout();
  } finally {
    hint(false);
    set({ status: 'anon', user: null, expired: false, offline: false, mustEnrol: false });
    // The cached data goes; the outbox stays until this user signs in again.
    if (id) await forgetDevice(id);
  }
}

// ---------- permissions (the server enforces them; the UI only offers what is allowed) ----------

export const canEdit = (u: User | null) => !!u && u.role !== 'viewer';
export const isAdmin = (u: User | null) => u?.role === 'admin';
/** isAdminOfAll: the organisation-wide tools (mailboxes, reminders, data) are for admins of every region. */
export const isAdminOfAll = (u: User | null) => isAdmin(u) && !!u?.regions.includes('all');
export const canManage = (u: User | null) => u?.role === 'admin' || u?.role === 'manager';
/** canReadReports: the dashboards are for managers, admins and viewers (reading is a viewer's role). */
export const canReadReports = (u: User | null) => canManage(u) || u?.role === 'viewer';
export const canReadBodies = (u: User | null) => !!u && u.role !== 'viewer';

/** allRegions tells whether the user's scope is every region. */
export const allRegions = (u: User | null) => !!u && u.regions.includes('all'); // an admin too may hold some regions only

/** myRegions lists the regions the user may work in (all known regions for "all"). */
export function myRegions(u: User | null, regions: Region[]): Region[] {
  if (!u) return [];
  if (allRegions(u)) return regions;
  return regions.filter((r) => u.regions.includes(r.code));
}

export function regionName(code: string, regions: Region[] = state.regions): string {
  // The server names regions in Spanish; the two that are words, not places, follow the app's language.
  if (code === 'NAC') return t('region.nac');
  if (code === 'all') return t('admin.all_regions');
  return regions.find((r) => r.code === code)?.name ?? code;
}

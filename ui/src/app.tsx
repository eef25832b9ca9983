// The shell: resumes the session, then routes to pages. Heavy pages load on demand.
import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Header } from './components/Header';
import { lazy } from './components/Lazy';
import { OfflineSync } from './components/OfflineSync';
import { Loading } from './components/States';
import { t, useLang } from './i18n';
import { match, useLocation } from './router';
import { canEdit, canReadReports, isAdmin, useSession } from './session';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { NotFound } from './pages/NotFound';
import { StakeholderList } from './pages/StakeholderList';
import { StakeholderDetail } from './pages/StakeholderDetail';
import { StakeholderEdit } from './pages/StakeholderEdit';
import { MeetingForm } from './pages/MeetingForm';
import { MeetingDetail } from './pages/MeetingDetail';
import { Commitments } from './pages/Commitments';
import { CommitmentDetail } from './pages/CommitmentDetail';
import { Search } from './pages/Search';
import { ReadOnlyNotice } from './pages/ReadOnly';
import clientRoutes from './routes.json';
import './app.css';

const Reports = lazy(() => import('./pages/Reports'));
const Correspondence = lazy(() => import('./pages/Correspondence'));
const Admin = lazy<{ tab: string }>(() => import('./pages/Admin'));
const Meetings = lazy(() => import('./pages/Meetings'));
const MeetingEdit = lazy<{ id: string }>(() => import('./pages/MeetingEdit'));
const Tasks = lazy(() => import('./pages/Tasks'));
const TaskDetail = lazy<{ id: string }>(() => import('./pages/TaskDetail'));
const Initiatives = lazy(() => import('./pages/Initiatives'));
const InitiativeDetail = lazy<{ id: string }>(() => import('./pages/InitiativeDetail'));
const InitiativeEdit = lazy<{ id?: string }>(() => import('./pages/InitiativeEdit'));

// Screens that only write: a read-only user reaching one by URL is told so.
const writeOnly = new Set(['/stakeholders/new', '/stakeholders/:id/edit', '/meetings/new', '/meetings/:id/edit', '/initiatives/new', '/initiatives/:id/edit']);
const Profile = lazy(() => import('./pages/Profile'));
const FunderReport = lazy(() => import('./pages/FunderReport'));
const Results = lazy(() => import('./pages/Results'));

// The page of each client route. The patterns themselves are listed once, in routes.json, which
// the server reads too: a path that matches none of them is a 404 there, not this app.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const pages: Record<string, ComponentType<any>> = {
  '/': Home,
  '/stakeholders': StakeholderList,
  '/stakeholders/new': StakeholderEdit,
  '/stakeholders/:id': StakeholderDetail,
  '/stakeholders/:id/edit': StakeholderEdit,
  '/meetings': Meetings,
  '/meetings/new': MeetingForm,
  '/meetings/:id': MeetingDetail,
  '/meetings/:id/edit': MeetingEdit,
  '/tasks': Tasks,
  '/tasks/:id': TaskDetail,
  '/commitments': Commitments,
  '/commitments/:id': CommitmentDetail,
  '/initiatives': Initiatives,
  '/initiatives/new': InitiativeEdit,
  '/initiatives/:id': InitiativeDetail,
  '/initiatives/:id/edit': InitiativeEdit,
  '/correspondence': Correspondence,
  '/reports': Reports,
  '/reports/funder': FunderReport,
  '/results': Results,
  '/search': Search,
  '/profile': Profile,
};
// Routes with their own rule in App rather than a page above.
export const specialRoutes = ['/admin/:tab'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const routes: [string, ComponentType<any>][] = clientRoutes.filter((p) => p in pages).map((p) => [p, pages[p]]);

export function App() {
  useLang();
  const s = useSession();
  const loc = useLocation();
  const main = useRef<HTMLElement>(null);

  // Move focus to the page on navigation so screen readers announce it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [loc.path]);

  if (s.status === 'loading') {
    return (
      <main class="app-main" id="main">
        <Loading label={t('auth.resuming')} />
      </main>
    );
  }
  if (s.status === 'anon' || !s.user) return <Login expired={s.expired} />;

  let page = <NotFound />;
  const adminMatch = match('/admin/:tab', loc.path);
  if (adminMatch) page = isAdmin(s.user) ? <Admin tab={adminMatch.tab} /> : <NotFound forbidden />;
  else if ((loc.path === '/reports' || loc.path.startsWith('/reports/')) && !canReadReports(s.user)) page = <NotFound forbidden />;
  else {
    for (const [pattern, C] of routes) {
      const p = match(pattern, loc.path);
      if (p) {
        page = writeOnly.has(pattern) && !canEdit(s.user) ? <ReadOnlyNotice /> : <C key={pattern + (p.id ?? '')} params={p} {...p} />;
        break;
      }
    }
  }
  // A user who must enrol a second factor first sees only the enrolment (in their profile).
  if (s.mustEnrol) page = <Profile />;
  return (
    <>
      <Header user={s.user} />
      <main class="app-main" id="main" tabIndex={-1} ref={main}>
        <OfflineSync user={s.user} offline={!!s.offline} />
        {page}
      </main>
    </>
  );
}

// Home: my tasks, overdue commitments in my regions, recent meetings and a card per region.
import type { ComponentChildren } from 'preact';
import { endpoints, type Task } from '../api';
import { TaskLinks } from '../components/TaskLinks';
import { Badge, OverdueTag } from '../components/Badge';
import { Empty, KeptNote, ListError, Loading } from '../components/States';
import { onSent } from '../offline/outbox';
import { readThrough, type Kept } from '../offline/views';
import { useEffect, useRef } from 'preact/hooks';
import { errorMessage } from '../errors';
import { myOpenTasks } from '../offline/save';
import { byDueDate, formatDateTime, formatDay, todayInLima } from '../format';
import { useAction, useAsync, useTitle, type Async } from '../hooks';
import { t, te } from '../i18n';
import { Link } from '../router';
import { allRegions, canEdit, canReadReports, getSession, myRegions, regionName, useSession } from '../session';
import './Home.css';
import { PageHead, Section } from '../components/Section';

export function Home() {
  useTitle(t('nav.home'));
  const { user, regions } = useSession();
  const uid = user?.id ?? '';
  // Both lists in due-date order, oldest overdue first: what needs doing soonest on top.
  const tasks = useAsync(() => (canEdit(getSession().user) ? myOpenTasks() : Promise.resolve({ items: [] as Task[] })).then((p) => ({ ...p, items: byDueDate(p.items) })), []);
  const overdue = useAsync(() => readThrough(uid, 'home-overdue', () => endpoints.commitments({ overdue: true, limit: 50 })).then((p) => ({ ...p, items: byDueDate(p.items) })), []);
  const meetings = useAsync(() => readThrough(uid, 'home-meetings', () => endpoints.meetings({ limit: 5 })), []);
  // The region cards come from the reports, which only managers and admins may read.
  const reports = canReadReports(user);
  const byRegion = useAsync(() => (reports ? endpoints.commitmentsByRegion() : Promise.resolve({ items: [] })), [reports]);
  const perMonth = useAsync(() => (reports ? endpoints.meetingsPerMonth() : Promise.resolve({ items: [] })), [reports]);
  const taskAction = useAction();
  // A meeting the outbox delivered shows at once in the lists it belongs to.
  useEffect(
    () =>
      onSent(() => {
        tasks.reload();
        overdue.reload();
        meetings.reload();
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const today = todayInLima();

  const toggleDone = (tk: Task) =>
    taskAction.run(async () => {
      const upd = await endpoints.updateTask(tk.id, { done: !tk.done, version: tk.version });
      tasks.setData({ ...tasks.data!, items: tasks.data!.items.map((x) => (x.id === tk.id ? upd : x)) });
    });

  // Cards: the user's regions (program regions first when the scope is "all").
  let cardRegions = myRegions(user, regions);
  if (allRegions(user)) {
    const seen = new Set((byRegion.data?.items ?? []).map((i) => i.region));
    cardRegions = regions.filter((r) => seen.has(r.code) || r.program);
  }
  const thisMonth = today.slice(0, 7);

  // The sections appear together once each has answered: one by one, each pushed the ones
  // below it down as it filled (a layout shift of 0.4 on a slow phone). Later reloads keep
  // the page in place.
  const shown = useRef(false);
  shown.current ||= [tasks, overdue, meetings, ...(reports ? [byRegion, perMonth] : [])].every((x) => !x.loading);

  return (
    <div class="home">
      <PageHead title={t('home.title', { name: user?.name ?? '' })}>
        {canEdit(user) && (
          <Link href="/meetings/new" class="btn btn-primary" data-testid="home-log-meeting">
            {t('nav.log_meeting')}
          </Link>
        )}
      </PageHead>
      {!shown.current && <Loading />}
      {shown.current && <>

      <div class="home-cols">
        {canEdit(user) && (
        <Section id="h-tasks" title={t('home.my_tasks')} testid="my-tasks">
          <Items load={tasks} empty={t('home.no_tasks')} notice={!!taskAction.error && <p role="alert" class="field-error">{errorMessage(taskAction.error)}</p>}>
            {(tk) => {
              const late = !tk.done && !!tk.due_on && tk.due_on < today;
              return (
                <li key={tk.id} class={late ? 'is-overdue' : ''} data-testid="task-item">
                  <label class="home-task">
                    {canEdit(user) && <input type="checkbox" checked={tk.done} onChange={() => void toggleDone(tk)} />}
                    <span class={tk.done ? 'done' : ''}>{tk.title}</span>
                  </label>
                  <span class="small muted">
                    {t('common.due')}: {formatDay(tk.due_on)} {late && <OverdueTag />}
                  </span>{' '}
                  <Link href={`/tasks/${tk.id}`} class="small" data-testid="task-open">
                    {t('task.open')}
                  </Link>{' '}
                  <TaskLinks task={tk} />
                </li>
              );
            }}
          </Items>
          <Link href="/tasks" class="small" data-testid="all-tasks">
            {t('home.all_tasks')}
          </Link>
        </Section>
        )}

        <Section id="h-overdue" title={t('home.overdue_commitments')} testid="overdue-commitments">
          <Items load={overdue} empty={t('home.no_overdue')}>
            {(c) => (
              <li key={c.id} class="is-overdue">
                <Link href={`/commitments/${c.id}`}>{c.text}</Link>
                <div class="small muted">
                  {c.stakeholder_name} · {regionName(c.region, regions)} · {t('common.due')} {formatDay(c.due_on)} <Badge group="status" value={c.status} />
                </div>
              </li>
            )}
          </Items>
        </Section>

        <Section id="h-meetings" title={t('home.recent_meetings')} testid="recent-meetings">
          <Items load={meetings} empty={t('home.no_meetings')}>
            {(m) => (
              <li key={m.id}>
                <Link href={`/meetings/${m.id}`}>{m.participants.map((p) => p.name).join(', ') || te('meeting_kind', m.kind)}</Link>
                <div class="small muted">
                  {formatDateTime(m.starts_at)} · {regionName(m.region, regions)}
                </div>
              </li>
            )}
          </Items>
          <Link href="/meetings" class="small" data-testid="all-meetings">
            {t('home.all_meetings')}
          </Link>
        </Section>
      </div>

      {reports && <section aria-labelledby="h-regions" class="home-regions">
        <h2 id="h-regions">{t('home.regions')}</h2>
        {(byRegion.loading || perMonth.loading) && <Loading />}
        <ListError error={byRegion.error || perMonth.error} onRetry={() => { byRegion.reload(); perMonth.reload(); }} />
        {!byRegion.loading && !byRegion.error && (cardRegions.length === 0 ? (
          <Empty>{t('home.no_regions')}</Empty>
        ) : (
          <div class="grid">
            {cardRegions.map((r) => {
              const rows = (byRegion.data?.items ?? []).filter((i) => i.region === r.code);
              const total = rows.reduce((s, i) => s + i.count, 0);
              const late = (overdue.data?.items ?? []).filter((c) => c.region === r.code).length;
              const mMonth = (perMonth.data?.items ?? []).filter((i) => i.region === r.code && i.month === thisMonth).reduce((s, i) => s + i.count, 0);
              return (
                <article class="card region-card" key={r.code} data-testid={`region-card-${r.code}`} aria-labelledby={`rc-${r.code}`}>
                  <h3 id={`rc-${r.code}`}>{r.name}</h3>
                  <dl class="region-stats">
                    <div>
                      <dt>{t('home.commitments_total')}</dt>
                      <dd>{total}</dd>
                    </div>
                    <div class={late ? 'is-overdue' : ''}>
                      <dt>{t('home.overdue')}</dt>
                      <dd>{late}</dd>
                    </div>
                    <div>
                      <dt>{t('home.meetings_month')}</dt>
                      <dd>{mMonth}</dd>
                    </div>
                  </dl>
                  <ul class="region-status small">
                    {rows.map((i) => (
                      <li key={i.status}>
                        <Badge group="status" value={i.status} /> {i.count}
                      </li>
                    ))}
                  </ul>
                  <Link href={`/commitments?region=${r.code}&view=board`}>{t('home.open_board')}</Link>
                </article>
              );
            })}
          </div>
        ))}
      </section>}
      </>}
    </div>
  );
}

/** Items is a card's loaded list: loading, its error, then the rows or empty. */
function Items<T>({ load, empty, notice, children }: { load: Async<{ items: T[] } & Kept>; empty: string; notice?: ComponentChildren; children: (item: T) => ComponentChildren }) {
  const items = load.data?.items ?? [];
  return (
    <>
      {load.loading && <Loading />}
      <ListError error={load.error} onRetry={load.reload} />
      {!load.loading && <KeptNote savedAt={load.data?.savedAt} />}
      {notice}
      {!load.loading && !load.error && (items.length ? <ul class="plain-list">{items.map(children)}</ul> : <Empty>{empty}</Empty>)}
    </>
  );
}

// Meetings: every meeting in the caller's regions, as a list or a month
// calendar, with filters in the URL (shareable) and a CSV of what is shown.
import { endpoints, type Meeting, type Query, type Region, type TeamMember } from '../api';
import { CsvButton } from '../components/CsvButton';
import { enumOptions, Select, TextInput } from '../components/Field';
import { StakeholderPicker } from '../components/StakeholderPicker';
import { Empty, ErrorBox, KeptNote, Loading, LoadMore, Notice } from '../components/States';
import { meetingsView, readThrough } from '../offline/views';
import { useState } from 'preact/hooks';
import { FilterBar, PagedStates, RegionFilter } from '../components/ListParts';
import { addDays, formatDateTime, formatMonth, limaLocalInput, todayInLima } from '../format';
import { useAsync, usePaged, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, useQuery } from '../router';
import { canEdit, regionName, useSession } from '../session';
import { memberName, useTeam } from '../team';
import './Meetings.css';
import { useView, ViewSwitch } from '../components/ViewSwitch';
import { PageHead } from '../components/Section';

/** monthRange gives the first day of month (YYYY-MM) and the first of the next. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: addDays(`${next}-01`, -1) };
}

/** shiftMonth moves YYYY-MM by n months. */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** calendarDays lists the days shown for month, Monday first, padded with "" to whole weeks. */
export function calendarDays(month: string): string[] {
  const { from, to } = monthRange(month);
  const first = new Date(`${from}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  const pad = (first + 6) % 7;
  const out: string[] = Array(pad).fill('');
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  while (out.length % 7) out.push('');
  return out;
}

/** limaDay is the Lima calendar day of an instant. */
const limaDay = (iso: string) => limaLocalInput(new Date(iso)).slice(0, 10);

export function Meetings() {
  useTitle(t('nav.meetings'));
  const { user, regions, enums } = useSession();
  const team = useTeam();
  const [q, setQuery] = useQuery();
  const [view, switches] = useView([
    ['list', t('meetings.view_list')],
    ['calendar', t('meetings.view_calendar')],
  ]);
  const month = /^\d{4}-\d{2}$/.test(q.month ?? '') ? q.month : todayInLima().slice(0, 7);
  const filters: Query = { region: q.region, from: q.from, to: q.to, stakeholder_id: q.stakeholder_id, kind: q.kind, staff_id: q.staff_id };
  const stakeholder = useAsync(() => (q.stakeholder_id ? endpoints.stakeholder(q.stakeholder_id) : Promise.resolve(null)), [q.stakeholder_id]);
  return (
    <section>
      <PageHead title={t('nav.meetings')}>
        <ViewSwitch label={t('meetings.view')} current={view} options={switches}>
          <CsvButton path="/meetings" query={view === 'calendar' ? { ...filters, ...monthRange(month) } : filters} name="meetings" />
          {canEdit(user) && (
            <Link href="/meetings/new" class="btn btn-small btn-primary" data-testid="new-meeting">
              {t('nav.log_meeting')}
            </Link>
          )}
        </ViewSwitch>
      </PageHead>
      {q.deleted && <Notice>{t('meeting.deleted')}</Notice>}
      <FilterBar>
        <RegionFilter id="m-region" value={q.region} onValue={(v) => setQuery({ region: v })} />
        <Select id="m-kind" label={t('meeting.kind')} value={q.kind ?? ''} blank={t('common.any')} options={enumOptions('meeting_kind', enums.meeting_kinds)} onValue={(v) => setQuery({ kind: v })} />
        <Select id="m-staff" label={t('meetings.staff')} value={q.staff_id ?? ''} blank={t('common.any')} options={team.map((m) => ({ value: m.id, label: m.name }))} onValue={(v) => setQuery({ staff_id: v })} />
        {view === 'list' && (
          <>
            <TextInput id="m-from" type="date" label={t('meetings.from')} value={q.from ?? ''} onValue={(v) => setQuery({ from: v })} />
            <TextInput id="m-to" type="date" label={t('meetings.to')} value={q.to ?? ''} onValue={(v) => setQuery({ to: v })} />
          </>
        )}
        <div class="m-stakeholder">
          {q.stakeholder_id ? (
            <p>
              <span class="muted small">{t('commitment.stakeholder')}:</span> <strong>{stakeholder.data?.name ?? '…'}</strong>{' '}
              <button type="button" class="btn btn-small" onClick={() => setQuery({ stakeholder_id: undefined })} data-testid="clear-stakeholder">
                {t('common.remove')}
              </button>
            </p>
          ) : (
            <StakeholderPicker id="m-stakeholder" label={t('commitment.stakeholder')} onPick={(s) => setQuery({ stakeholder_id: s.id })} />
          )}
        </div>
      </FilterBar>
      {view === 'calendar' ? <Calendar month={month} filters={filters} onMonth={(m) => setQuery({ month: m })} /> : <List filters={filters} team={team} regions={regions} />}
    </section>
  );
}

function List({ filters, team, regions }: { filters: Query; team: TeamMember[]; regions: Region[] }) {
  const uid = useSession().user?.id ?? '';
  // The first page is kept on the device: without signal it shows as last seen, with its age.
  const [savedAt, setSavedAt] = useState<string>();
  const list = usePaged(async (cursor) => {
    if (cursor) return endpoints.meetings({ ...filters, cursor, limit: 50 });
    const p = await readThrough(uid, meetingsView(filters), () => endpoints.meetings({ ...filters, limit: 50 }));
    setSavedAt(p.savedAt);
    return p;
  }, [JSON.stringify(filters)]);
  return (
    <>
      <PagedStates list={list} empty={t('meetings.none')} />
      {!list.loading && <KeptNote savedAt={savedAt} />}
      {list.items.length > 0 && (
        <ul class="plain-list m-list" data-testid="meeting-list">
          {list.items.map((m) => (
            <li key={m.id} class="card m-item" data-testid="meeting-row" data-id={m.id}>
              <Link href={`/meetings/${m.id}`} class="m-when">
                {formatDateTime(m.starts_at)}
              </Link>
              <span class="small muted">
                {te('meeting_kind', m.kind)} · {regionName(m.region, regions)}
                {m.place && ` · ${m.place}`}
                {memberName(team, m.owner_id) && ` · ${memberName(team, m.owner_id)}`}
              </span>
              <span class="m-who">{m.participants.map((p) => p.name).join(', ')}</span>
              {m.summary && <span class="m-summary">{m.summary}</span>}
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </>
  );
}

function Calendar({ month, filters, onMonth }: { month: string; filters: Query; onMonth: (m: string) => void }) {
  const range = monthRange(month);
  const data = useAsync(() => endpoints.meetings({ ...filters, ...range, limit: 200 }), [month, JSON.stringify(filters)]);
  const byDay = new Map<string, Meeting[]>();
  for (const m of data.data?.items ?? []) {
    const d = limaDay(m.starts_at);
    byDay.set(d, [...(byDay.get(d) ?? []), m]);
  }
  const today = todayInLima();
  const weekdays = [0, 1, 2, 3, 4, 5, 6].map((i) => t(`meetings.weekday_${i}`));
  return (
    <section class="card m-cal" aria-labelledby="m-cal-title" data-testid="meeting-calendar">
      <div class="m-cal-head">
        <button type="button" class="btn btn-small" onClick={() => onMonth(shiftMonth(month, -1))} aria-label={t('meetings.prev_month')} data-testid="prev-month">
          ‹
        </button>
        <h2 id="m-cal-title" aria-live="polite">
          {formatMonth(month, true)}
        </h2>
        <button type="button" class="btn btn-small" onClick={() => onMonth(shiftMonth(month, 1))} aria-label={t('meetings.next_month')} data-testid="next-month">
          ›
        </button>
      </div>
      <ErrorBox error={data.error} onRetry={data.reload} />
      {data.loading && <Loading />}
      <ol class="m-cal-grid" aria-labelledby="m-cal-title">
        {weekdays.map((w) => (
          <li key={w} class="m-cal-wd" aria-hidden="true">
            {w}
          </li>
        ))}
        {calendarDays(month).map((d, i) => {
          const items = d ? (byDay.get(d) ?? []) : [];
          return (
            <li key={d || `pad-${i}`} class={`m-cal-day${d ? '' : ' m-cal-pad'}${d === today ? ' m-cal-today' : ''}${items.length ? ' m-cal-busy' : ''}`} data-day={d || undefined}>
              {d && (
                <>
                  <span class="m-cal-n">
                    <span class="sr-only">{t('meetings.day')} </span>
                    {Number(d.slice(8))}
                  </span>
                  <ul class="plain-list">
                    {items.map((m) => (
                      <li key={m.id}>
                        <Link href={`/meetings/${m.id}`} class="m-cal-item" data-testid="calendar-meeting">
                          {limaLocalInput(new Date(m.starts_at)).slice(11)} {m.participants[0]?.name ?? te('meeting_kind', m.kind)}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </li>
          );
        })}
      </ol>
      {!data.loading && !data.error && !data.data?.items.length && <Empty>{t('meetings.none_month')}</Empty>}
    </section>
  );
}

export default Meetings;

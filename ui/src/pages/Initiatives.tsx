// Initiatives: bills, ordinances, action plans and policies the team follows, as a list with
// filters, the ones moved in the last 30 days, or a board by stage of one kind. Filters live in
// the address (shareable); the first page is kept on the device for working without signal.
import { useState } from 'preact/hooks';
import { endpoints, type Initiative, type InitiativeMeta, type Named, type Query } from '../api';
import { CsvButton } from '../components/CsvButton';
import { Select, TextInput } from '../components/Field';
import { FilterBar, PagedStates } from '../components/ListParts';
import { PageHead } from '../components/Section';
import { ErrorBox, KeptNote, LoadMore, Notice } from '../components/States';
import { useView, ViewSwitch } from '../components/ViewSwitch';
import { formatDay } from '../format';
import { usePaged, useSearchText, useTitle } from '../hooks';
import { t } from '../i18n';
import { kindName, movedSince, options, stageName, stagesOf, useInitiativeMeta } from '../initiatives';
import { initiativesView, readThrough } from '../offline/views';
import { Link, useQuery } from '../router';
import { canEdit, myRegions, regionName, useSession } from '../session';
import './Initiatives.css';

/** stageOptions are the stages of kind, or of every kind (each code once) when none is chosen. */
export function stageOptions(meta: InitiativeMeta | undefined, kind: string): { value: string; label: string }[] {
  if (kind) return options(stagesOf(meta, kind));
  const seen = new Map<string, Named>();
  for (const k of meta?.kinds ?? []) for (const s of k.stages) if (!seen.has(s.code)) seen.set(s.code, s);
  return options([...seen.values()]);
}

export function Initiatives() {
  useTitle(t('nav.initiatives'));
  const { user, regions } = useSession();
  const m = useInitiativeMeta();
  const [q, setQuery] = useQuery();
  const [text, setText] = useSearchText();
  const [view, switches] = useView([
    ['list', t('initiatives.view_list')],
    ['moved', t('initiatives.view_moved')], // MOVED_DAYS, named in the words
    ['board', t('initiatives.view_board')],
  ]);
  // The board's columns are the stages of one kind: the chosen one, or the first.
  const boardKind = q.kind || m.meta?.kinds[0]?.code || '';
  const kind = view === 'board' ? boardKind : (q.kind ?? '');
  const filters: Query = { kind, stage: view === 'board' ? undefined : q.stage, region: q.region, q: q.q, moved_since: view === 'moved' ? movedSince() : undefined };
  const mine = myRegions(user, regions);
  const regionOpts = [...mine, ...(mine.some((r) => r.code === 'NAC') ? [] : [{ code: 'NAC', name: regionName('NAC') }])].map((r) => ({ value: r.code, label: r.code === 'NAC' ? regionName('NAC') : r.name }));
  return (
    <section data-testid="initiatives">
      <PageHead title={t('nav.initiatives')}>
        <ViewSwitch label={t('initiatives.view')} current={view} options={switches}>
          <CsvButton path="/initiatives" query={filters} name="initiatives" />
          {canEdit(user) && (
            <Link href="/initiatives/new" class="btn btn-small btn-primary" data-testid="new-initiative">
              {t('initiative.new')}
            </Link>
          )}
        </ViewSwitch>
      </PageHead>
      {q.deleted && <Notice>{t('initiative.deleted')}</Notice>}
      {q.queued && <Notice>{t('initiative.queued')}</Notice>}
      <ErrorBox error={m.error} onRetry={m.reload} />
      <FilterBar>
        <TextInput id="i-q" type="search" label={t('initiatives.search')} hint={t('initiatives.search_hint')} value={text} onValue={setText} />
        <Select id="i-kind" label={t('initiative.kind')} value={kind} blank={view === 'board' ? undefined : t('common.any')} options={options(m.meta?.kinds)} onValue={(v) => setQuery({ kind: v, stage: undefined })} />
        {view !== 'board' && <Select id="i-stage" label={t('initiative.stage')} value={q.stage ?? ''} blank={t('common.any')} options={stageOptions(m.meta, kind)} onValue={(v) => setQuery({ stage: v })} />}
        <Select id="i-region" label={t('common.region')} value={q.region ?? ''} blank={t('common.any')} options={regionOpts} onValue={(v) => setQuery({ region: v })} />
      </FilterBar>
      {view === 'moved' && <p class="muted small">{t('initiatives.moved_since', { day: formatDay(movedSince()) })}</p>}
      {view === 'board' ? boardKind && <Board kind={boardKind} filters={filters} meta={m.meta} /> : <List filters={filters} meta={m.meta} moved={view === 'moved'} />}
    </section>
  );
}

/** setFilters keeps the filters that are set: the unfiltered list is the one the device keeps ahead (initiativesView({})). */
export const setFilters = (q: Query) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== null && v !== ''));

/** useInitiativeList loads a filtered list; its first page is kept on the device (shown with its age offline). */
function useInitiativeList(filters: Query, limit: number) {
  const uid = useSession().user?.id ?? '';
  const [savedAt, setSavedAt] = useState<string>();
  const list = usePaged(async (cursor) => {
    if (cursor) return endpoints.initiatives({ ...filters, cursor, limit });
    const p = await readThrough(uid, initiativesView(setFilters(filters)), () => endpoints.initiatives({ ...filters, limit }));
    setSavedAt(p.savedAt);
    return p;
  }, [JSON.stringify(filters)]);
  return { list, savedAt };
}

function List({ filters, meta, moved }: { filters: Query; meta?: InitiativeMeta; moved: boolean }) {
  const { list, savedAt } = useInitiativeList(filters, 50);
  return (
    <>
      <PagedStates list={list} empty={moved ? t('initiatives.none_moved') : t('initiatives.none')} />
      {!list.loading && <KeptNote savedAt={savedAt} />}
      {list.items.length > 0 && (
        <ul class="plain-list in-list" data-testid="initiative-list">
          {list.items.map((x) => (
            <li key={x.id} class="card in-item" data-testid="initiative-row" data-id={x.id} data-stage={x.stage}>
              <Card x={x} meta={meta} withKind />
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </>
  );
}

/** Card is one initiative in a list or on the board: its title (a link), number, stage and where. */
function Card({ x, meta, withKind }: { x: Initiative; meta?: InitiativeMeta; withKind?: boolean }) {
  return (
    <>
      <Link href={`/initiatives/${x.id}`} class="in-title">
        {x.title}
      </Link>
      <span class="small muted">
        {[x.number, withKind && kindName(meta, x.kind), regionName(x.region)].filter(Boolean).join(' · ')}
      </span>
      <span class="small">
        <span class="in-stage" data-stage={x.stage}>
          {stageName(meta, x.kind, x.stage)}
        </span>{' '}
        <span class="muted">{t('initiative.since', { day: formatDay(x.stage_on) })}</span>
      </span>
    </>
  );
}

function Board({ kind, filters, meta }: { kind: string; filters: Query; meta?: InitiativeMeta }) {
  const { list, savedAt } = useInitiativeList(filters, 200);
  const stages = stagesOf(meta, kind);
  return (
    <>
      <PagedStates list={list} empty={t('initiatives.none')} />
      {!list.loading && <KeptNote savedAt={savedAt} />}
      <div class="in-board" data-testid="initiative-board" data-kind={kind}>
        {stages.map((st) => {
          const cell = list.items.filter((x) => x.stage === st.code);
          const name = stageName(meta, kind, st.code);
          return (
            <section key={st.code} class="in-col" aria-labelledby={`in-col-${st.code}`} data-testid={`stage-col-${st.code}`}>
              <h2 id={`in-col-${st.code}`} class="in-col-head">
                {name} <span class="muted">{cell.length}</span>
              </h2>
              <ul class="plain-list">
                {cell.map((x) => (
                  <li key={x.id} class="in-card" data-testid="initiative-card" data-id={x.id} data-stage={x.stage}>
                    <Card x={x} meta={meta} />
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      <LoadMore list={list} />
    </>
  );
}

export default Initiatives;

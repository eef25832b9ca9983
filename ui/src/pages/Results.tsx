// Results ("Resultados"): the results framework a funder's monitoring plan reads. Per indicator,
// the target for the year against what was achieved in that year (with the percent), what was
// achieved in the chosen period, its breakdowns and the rule it counts by; each figure opens
// the records behind it, each linked to its page. Everyone signed in reads it for their
// regions; managers and admins of every region set the targets. Print-ready like the funder report.
import { kindName, stageName, useInitiativeMeta } from '../initiatives';
import { useState } from 'preact/hooks';
import { endpoints, type Indicator, type IndicatorRecord } from '../api';
import { CsvButton } from '../components/CsvButton';
import { TextInput, Select } from '../components/Field';
import { Section } from '../components/Section';
import { Empty, ErrorBox, LoadMore, Loading } from '../components/States';
import { errorMessage } from '../errors';
import { formatDay } from '../format';
import { useAction, useAsync, usePaged, useTitle } from '../hooks';
import { getLang, setLang, t, te, tn, useLang } from '../i18n';
import { Link, useQuery } from '../router';
import { canManage, myRegions, regionName, useSession } from '../session';
import { PeriodFields } from './reportPeriod';
import './Results.css';

/** recordHref is the page of a record behind a figure. */
export function recordHref(r: Pick<IndicatorRecord, 'entity' | 'id'>): string {
  const base = r.entity === 'stakeholder' ? 'stakeholders' : r.entity === 'meeting' ? 'meetings' : r.entity === 'initiative' ? 'initiatives' : 'commitments';
  return `/${base}/${r.id}`;
}

/** percentWidth is the progress bar's width for a percent (0 to 100). */
export function percentWidth(p: number | null | undefined): number {
  if (p == null || !Number.isFinite(p)) return 0;
  return Math.max(0, Math.min(100, p));
}

export default function Results() {
  useLang();
  useTitle(t('results.title'));
  const { user, regions } = useSession();
  const [q, setQuery] = useQuery();
  const query = { from: q.from, to: q.to, year: q.year, region: q.region };
  const key = JSON.stringify(query);
  const list = useAsync(() => endpoints.indicators(query), [key]);
  const lang = getLang();
  const data = list.data;
  const mayTarget = canManage(user) && !!user?.regions.includes('all');
  const open = q.records;

  return (
    <article class="results" data-testid="results" data-ready={data && !list.loading ? 'true' : undefined} lang={lang}>
      <div class="rs-toolbar no-print">
        <form class="filters" aria-label={t('report.period')} onSubmit={(e) => e.preventDefault()}>
          <PeriodFields idPrefix="rs" shown={data} />
          <TextInput id="rs-year" type="number" inputMode="numeric" label={t('results.year')} value={q.year ?? (data ? String(data.year) : '')} onValue={(v) => setQuery({ year: v || undefined })} />
          <Select id="rs-region" label={t('results.region')} value={q.region ?? ''} blank={t('results.all_my_regions')}
            options={myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }))} onValue={(v) => setQuery({ region: v || undefined })} />
        </form>
        <div class="row">
          <CsvButton path="/indicators" query={{ from: query.from, to: query.to, year: query.year, region: query.region }} name="indicadores" testid="rs-csv" />
          <button type="button" class="btn" onClick={() => setLang(lang === 'es' ? 'en' : 'es')} data-testid="rs-lang">
            {lang === 'es' ? 'English' : 'Español'}
          </button>
          <button type="button" class="btn btn-primary" onClick={() => window.print()} data-testid="rs-print">
            {t('funder.print')}
          </button>
        </div>
      </div>

      <header class="rs-head">
        <h1>{t('results.title')}</h1>
        {data && (
          <p class="rs-period" data-testid="rs-period">
            {t('results.period', { from: formatDay(data.from), to: formatDay(data.to), year: String(data.year) })}
            {data.region ? ` · ${regionName(data.region, regions)}` : ''}
          </p>
        )}
        {data && !data.whole && <p class="small muted">{t('results.partial')}</p>}
      </header>
      {list.loading && <Loading />}
      <ErrorBox error={list.error} onRetry={list.reload} />

      {data && (
        <div class="rs-grid">
          {data.items.map((it) => (
            <IndicatorCard key={it.code} it={it} lang={lang} mayTarget={mayTarget} open={open === it.code}
              onOpen={() => setQuery({ records: open === it.code ? undefined : it.code })} onSaved={list.reload} query={query} />
          ))}
        </div>
      )}
    </article>
  );
}

function IndicatorCard({ it, lang, mayTarget, open, onOpen, onSaved, query }: {
  it: Indicator; lang: 'es' | 'en'; mayTarget: boolean; open: boolean; onOpen: () => void; onSaved: () => void;
  query: Record<string, string | undefined>;
}) {
  const pct = it.percent ?? null;
  return (
    <section class="card rs-card" data-testid={`indicator-${it.code}`} aria-labelledby={`rs-h-${it.code}`}>
      <h2 id={`rs-h-${it.code}`}>{it.name[lang]}</h2>
      <dl class="rs-figures">
        <div>
          <dt>{t('results.target', { year: String(it.year) })}</dt>
          <dd data-testid="rs-target">{it.target ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('results.year_actual', { year: String(it.year) })}</dt>
          <dd data-testid="rs-year-actual">{it.year_actual}</dd>
        </div>
        <div>
          <dt>{t('results.percent')}</dt>
          <dd data-testid="rs-percent">{pct == null ? '—' : `${pct.toLocaleString(lang === 'es' ? 'es-PE' : 'en-GB')} %`}</dd>
        </div>
        <div>
          <dt>{t('results.actual')}</dt>
          <dd>
            <button type="button" class="linkish rs-actual" aria-expanded={open} onClick={onOpen} data-testid="rs-actual"
              title={t('results.open_records')}>
              {it.actual}
            </button>
          </dd>
        </div>
      </dl>
      {pct != null && (
        <progress class="rs-bar" max={100} value={percentWidth(pct)} aria-label={t('results.percent')} />
      )}
      {it.breakdowns.map((b) =>
        b.items.length ? (
          <p key={b.by} class="small rs-breakdown">
            <strong>{t(`results.by.${b.by}`)}:</strong> {b.items.map((x) => `${x.label[lang]} (${x.count})`).join(', ')}
          </p>
        ) : null,
      )}
      <p class="small muted rs-rule">
        <strong>{t('results.rule')}:</strong> {it.rule[lang]}
      </p>
      {mayTarget && <TargetForm it={it} onSaved={onSaved} />}
      {open && <Records code={it.code} query={query} />}
    </section>
  );
}

function TargetForm({ it, onSaved }: { it: Indicator; onSaved: () => void }) {
  const [value, setValue] = useState(it.target == null ? '' : String(it.target));
  const { busy, error, run } = useAction();
  const save = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await endpoints.setIndicatorTarget(it.code, it.year, Number(value));
      onSaved();
    });
  };
  return (
    <form class="rs-target no-print" onSubmit={save} data-testid="rs-target-form">
      <TextInput id={`rs-target-${it.code}`} type="number" inputMode="numeric" min={0} label={t('results.set_target', { year: String(it.year) })} value={value} onValue={setValue} required />
      <button type="submit" class="btn btn-small" disabled={busy || value === ''}>
        {t('results.save_target')}
      </button>
      {!!error && (
        <p role="alert" class="field-error">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}

function Records({ code, query }: { code: string; query: Record<string, string | undefined> }) {
  const { regions } = useSession();
  // A page at a time; the first page's total says how many the figure counts.
  const [total, setTotal] = useState<number | undefined>();
  const recs = usePaged(async (cursor) => {
    const page = await endpoints.indicatorRecords(code, { from: query.from, to: query.to, region: query.region, cursor, limit: RECORDS_PAGE });
    setTotal(page.total);
    return page;
  }, [code, JSON.stringify(query)]);
  const items = recs.items;
  // An initiative's kind and stage are named from the server's list, read only when one is listed.
  const { meta } = useInitiativeMeta(items.some((x) => x.entity === 'initiative'));
  return (
    <Section id={`rs-records-${code}`} title={t('results.records')} testid="rs-records" class="rs-records">
      {recs.loading && !recs.loadingMore && <Loading />}
      <ErrorBox error={items.length === 0 ? recs.error : null} onRetry={recs.retry} />
      {!recs.loading && !recs.error && items.length === 0 && <Empty>{t('report.no_data')}</Empty>}
      {items.length > 0 && (
        <ul class="rs-record-list">
          {items.map((x) => (
            <li key={x.id} data-testid="rs-record">
              <Link href={recordHref(x)}>{x.name || te('meeting_kind', x.kind ?? '')}</Link>
              <span class="small muted">
                {' · '}
                {x.date ? `${formatDay(x.date)} · ` : ''}
                {regionName(x.region, regions)}
                {x.modality ? ` · ${te('modality', x.modality)}` : ''}
                {x.status ? ` · ${x.entity === 'initiative' ? `${kindName(meta, x.kind ?? '')} → ${stageName(meta, x.kind ?? '', x.status)}` : te('status', x.status)}` : ''}
                {' · '}
                {t('results.counts', { n: String(x.count) })}
              </span>
              {x.audience && x.audience.length > 0 && (
                <div class="small">{x.audience.map((a) => `${te('audience', a.type)} (${a.count}${a.women != null || a.men != null ? `: ${t('results.women_men', { w: a.women != null ? tn('count.women', a.women) : t('results.women_unknown'), m: a.men != null ? tn('count.men', a.men) : t('results.men_unknown') })}` : ''})`).join(', ')}</div>
              )}
              {x.commitments && x.commitments.length > 0 && (
                <ul>
                  {x.commitments.map((c) => (
                    <li key={c.id} class="small">
                      <Link href={`/commitments/${c.id}`}>{c.text}</Link> · {formatDay(c.made_on)} · {regionName(c.region, regions)} · <em>{te('status', c.status)}</em>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {recs.hasMore && total != null && <p class="small muted">{t('results.truncated', { n: String(items.length), total: String(total) })}</p>}
      <LoadMore list={recs} testid="rs-more" />
    </Section>
  );
}

/** RECORDS_PAGE is how many records each page behind a figure brings. */
const RECORDS_PAGE = 50;

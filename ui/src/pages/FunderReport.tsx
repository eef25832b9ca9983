// The funder report: one print-ready page (A4) for a chosen period, in Spanish or English:
// the funder lines with their period (copy button), meetings and commitments per region as
// charts, people trained, legislators and committees with their agreements (the records of
// the agreement indicators), and fulfilled commitments with their evidence; both lists come a
// page at a time and print as far as they are loaded. The browser's print (or "Save as PDF")
// lays it out on A4.
import { endpoints, type IndicatorRecord } from '../api';
import { BarChart } from '../components/BarChart';
import { PeriodFields, useReportPeriod } from './reportPeriod';
import { FunderLines } from '../components/FunderLines';
import { Empty, ErrorBox, LoadMore, Loading } from '../components/States';
import { TrainingTable } from '../components/TrainingTable';
import { formatDateTime, formatDay } from '../format';
import { useAsync, usePaged, useTitle } from '../hooks';
import { getLang, setLang, t, te, useLang } from '../i18n';
import { Link } from '../router';
import { meetingRegionBars, statusBars } from '../reportBars';
import { regionName, useSession } from '../session';
import './FunderReport.css';
import { Table } from '../components/Table';
import { Section } from '../components/Section';

export default function FunderReport() {
  useLang();
  useTitle(t('funder.title'));
  const { regions, enums } = useSession();
  const { range, key } = useReportPeriod();
  const rep = useAsync(() => endpoints.funderReport(range), [key]);
  const byRegion = useAsync(() => endpoints.commitmentsByRegion(range), [key]);
  const perMonth = useAsync(() => endpoints.meetingsPerMonth(range), [key]);
  const trainings = useAsync(() => endpoints.trainingsReport(range), [key]);
  const page = (cursor?: string) => ({ ...range, cursor, limit: FUNDER_PAGE });
  const legislators = usePaged((cursor) => endpoints.indicatorRecords('congress_agreements', page(cursor)), [key]);
  const committees = usePaged((cursor) => endpoints.indicatorRecords('committee_agreements', page(cursor)), [key]);
  const fulfilled = usePaged((cursor) => endpoints.funderFulfilled(page(cursor)), [key]);
  const loading = rep.loading || byRegion.loading || perMonth.loading || trainings.loading || legislators.loading || committees.loading || fulfilled.loading;
  // A "load more" says so on its own button, by its rows, not at the report's head.
  const loadingFirst = rep.loading || byRegion.loading || perMonth.loading || trainings.loading || [legislators, committees, fulfilled].some((l) => l.loading && !l.loadingMore);
  const r = rep.data;
  const lang = getLang();

  return (
    <article class="funder-report" data-testid="funder-report" data-ready={!loading && !!r ? 'true' : undefined} lang={lang}>
      <div class="fr-toolbar no-print">
        <Link href={`/reports`}>← {t('nav.reports')}</Link>
        <form class="filters" aria-label={t('report.period')} onSubmit={(e) => e.preventDefault()}>
          <PeriodFields idPrefix="fr" shown={r} />
        </form>
        <div class="row">
          <button type="button" class="btn" onClick={() => setLang(lang === 'es' ? 'en' : 'es')} data-testid="fr-lang">
            {lang === 'es' ? 'English' : 'Español'}
          </button>
          <button type="button" class="btn btn-primary" onClick={() => window.print()} data-testid="fr-print">
            {t('funder.print')}
          </button>
        </div>
      </div>

      <header class="fr-head">
        <h1>{t('funder.title')}</h1>
        {r && (
          <p class="fr-period" data-testid="fr-period">
            {t('funder.period', { from: formatDay(r.from), to: formatDay(r.to) })}
          </p>
        )}
      </header>
      {loadingFirst && <Loading />}
      <ErrorBox error={rep.error} onRetry={rep.reload} />

      {r && (
        <>
          <Section id="fr-lines" title={t('report.funder_summary')} class="fr-section">
            <FunderLines lines={r.lines} testid="fr-funder-lines" />
          </Section>

          <Section id="fr-rules" title={t('funder.rules')} testid="fr-rules" class="fr-section">
            <dl class="fr-rules">
              {r.rules.map((x) => (
                <div key={x.code}>
                  <dt>{x.name[lang]}</dt>
                  <dd class="small">{x.rule[lang]}</dd>
                </div>
              ))}
            </dl>
          </Section>

          <Section id="fr-charts" title={t('funder.activity')} class="fr-section fr-charts">
            <div class="fr-grid">
              {perMonth.data && <BarChart title={t('funder.meetings_per_region')} bars={meetingRegionBars(perMonth.data.items, regions)} testid="fr-chart-meetings" />}
              {byRegion.data && <BarChart title={t('report.commitments_by_region')} bars={statusBars(byRegion.data.items, enums.commitment_statuses, regions)} testid="fr-chart-commitments" />}
            </div>
          </Section>

          <Section id="fr-trained" title={t('report.people_trained')} class="fr-section">
            {trainings.data && <TrainingTable report={trainings.data} />}
          </Section>

          <Section id="fr-agreements" title={t('funder.agreements')} testid="fr-agreements" class="fr-section">
            <ErrorBox error={(legislators.items.length === 0 && legislators.error) || (committees.items.length === 0 && committees.error) || null} onRetry={() => { if (legislators.error) legislators.retry(); if (committees.error) committees.retry(); }} />
            {!legislators.loading && !committees.loading && legislators.items.length + committees.items.length === 0 && <Empty>{t('report.no_data')}</Empty>}
            {legislators.items.map((s) => <Member key={s.id} m={s} kind="legislator" />)}
            <LoadMore list={legislators} testid="fr-more-legislators" />
            {committees.items.map((s) => <Member key={s.id} m={s} kind="oversight_committee" />)}
            <LoadMore list={committees} testid="fr-more-committees" />
          </Section>

          <Section id="fr-fulfilled" title={t('funder.fulfilled')} testid="fr-fulfilled" class="fr-section">
            <ErrorBox error={fulfilled.items.length === 0 ? fulfilled.error : null} onRetry={fulfilled.retry} />
            {!fulfilled.loading && fulfilled.items.length === 0 ? (
              <Empty>{t('report.no_data')}</Empty>
            ) : (
              <Table columns={[t('funder.date'), t('commitment.stakeholder'), t('commitment.text'), t('commitment.status'), t('commitment.evidence')]} region={t('funder.fulfilled')}>
              {fulfilled.items.map((f) => (
                <tr key={f.id}>
                  <td>{formatDay(f.made_on)}</td>
                  <td>
                    {f.stakeholder_name}
                    <div class="small muted">{regionName(f.region, regions)}</div>
                  </td>
                  <td>{f.text}</td>
                  <td>
                    {te('status', f.status)}
                    <div class="small muted">{formatDay(f.at.slice(0, 10))}</div>
                  </td>
                  <td class="fr-evidence">{/^https?:\/\//.test(f.evidence) ? <a href={f.evidence}>{f.evidence}</a> : f.evidence || '—'}</td>
                </tr>
              ))}
              </Table>
            )}
            <LoadMore list={fulfilled} testid="fr-more-fulfilled" />
          </Section>
          {(legislators.hasMore || committees.hasMore || fulfilled.hasMore) && <p class="small muted">{t('funder.truncated')}</p>}
          <p class="small muted fr-foot">{t('funder.generated', { at: formatDateTime(new Date().toISOString()) })}</p>
        </>
      )}
    </article>
  );
}

/** FUNDER_PAGE is how many members or fulfilled commitments each page of the lists brings. */
const FUNDER_PAGE = 50;

/** Member is a legislator or committee with the agreements that make them count. */
function Member({ m, kind }: { m: IndicatorRecord; kind: string }) {
  const { regions } = useSession();
  return (
    <div class="fr-stakeholder">
      <h3>
        {m.name} <span class="muted small">({te('kind', kind)} · {regionName(m.region, regions)})</span>
      </h3>
      <ul>
        {(m.commitments ?? []).map((a) => (
          <li key={a.id}>
            {formatDay(a.made_on)} · {regionName(a.region, regions)} · {a.text} — <em>{te('status', a.status)}</em>
          </li>
        ))}
      </ul>
    </div>
  );
}

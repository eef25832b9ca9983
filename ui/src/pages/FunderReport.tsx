// The funder report: one print-ready page (A4) for a chosen period, in Spanish or English:
// the funder lines with their period (copy button), meetings and commitments per region as
// charts, people trained, legislators and committees with their agreements, and fulfilled
// commitments with their evidence. The browser's print (or "Save as PDF") lays it out on A4.
import { endpoints } from '../api';
import { BarChart } from '../components/BarChart';
import { PeriodFields, useReportPeriod } from './reportPeriod';
import { FunderLines } from '../components/FunderLines';
import { Empty, ErrorBox, Loading } from '../components/States';
import { TrainingTable } from '../components/TrainingTable';
import { formatDateTime, formatDay } from '../format';
import { useAsync, useTitle } from '../hooks';
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
  const loading = rep.loading || byRegion.loading || perMonth.loading || trainings.loading;
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
      {loading && <Loading />}
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
            {r.stakeholders.length === 0 && <Empty>{t('report.no_data')}</Empty>}
            {r.stakeholders.map((s) => (
              <div key={s.stakeholder_id} class="fr-stakeholder">
                <h3>
                  {s.name} <span class="muted small">({te('kind', s.kind)} · {regionName(s.group, regions)})</span>
                </h3>
                <ul>
                  {s.agreements.map((a) => (
                    <li key={a.id}>
                      {formatDay(a.made_on)} · {regionName(a.region, regions)} · {a.text} — <em>{te('status', a.status)}</em>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </Section>

          <Section id="fr-fulfilled" title={t('funder.fulfilled')} testid="fr-fulfilled" class="fr-section">
            {r.fulfilled.length === 0 ? (
              <Empty>{t('report.no_data')}</Empty>
            ) : (
              <Table columns={[t('funder.date'), t('commitment.stakeholder'), t('commitment.text'), t('commitment.status'), t('commitment.evidence')]} region={t('funder.fulfilled')}>
              {r.fulfilled.map((f) => (
                <tr key={f.id}>
                  <td>{formatDay(f.at.slice(0, 10))}</td>
                  <td>
                    {f.stakeholder_name}
                    <div class="small muted">{regionName(f.region, regions)}</div>
                  </td>
                  <td>{f.text}</td>
                  <td>{te('status', f.status)}</td>
                  <td class="fr-evidence">{/^https?:\/\//.test(f.evidence) ? <a href={f.evidence}>{f.evidence}</a> : f.evidence || '—'}</td>
                </tr>
              ))}
              </Table>
            )}
          </Section>
          {r.truncated && <p class="small muted">{t('funder.truncated')}</p>}
          <p class="small muted fr-foot">{t('funder.generated', { at: formatDateTime(new Date().toISOString()) })}</p>
        </>
      )}
    </article>
  );
}

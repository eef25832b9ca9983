// Reports: dashboards with hand-made SVG charts, the funder's summary lines and CSV exports.
import { endpoints } from '../api';
import { BarChart, type Bar } from '../components/BarChart';
import { CsvButton } from '../components/CsvButton';
import { FunderLines } from '../components/FunderLines';
import { TrainingTable } from '../components/TrainingTable';
import { PeriodFields, useReportPeriod } from './reportPeriod';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatMonth } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { Link } from '../router';
import { statusBars } from '../reportBars';
import { regionName, useSession } from '../session';
import './Reports.css';
import { Section } from '../components/Section';

export default function Reports() {
  useTitle(t('nav.reports'));
  const { regions, enums } = useSession();
  const { range, key } = useReportPeriod();
  const byRegion = useAsync(() => endpoints.commitmentsByRegion(range), [key]);
  const perMonth = useAsync(() => endpoints.meetingsPerMonth(range), [key]);
  const overdue = useAsync(() => endpoints.overdueReport(range), [key]);
  const legis = useAsync(() => endpoints.legislatorsReport(range), [key]);
  const committees = useAsync(() => endpoints.activeCommittees(range), [key]);
  const trainings = useAsync(() => endpoints.trainingsReport(range), [key]);

  const regionBars: Bar[] = statusBars(byRegion.data?.items ?? [], enums.commitment_statuses, regions);

  const monthBars: Bar[] = (() => {
    const items = perMonth.data?.items ?? [];
    const months = Array.from(new Set(items.map((i) => i.month))).sort();
    return months.map((mo) => ({
      label: formatMonth(mo),
      segments: [{ tone: 'info', label: t('report.meetings'), value: items.filter((i) => i.month === mo).reduce((s, i) => s + i.count, 0) }],
    }));
  })();

  const overdueBars: Bar[] = (() => {
    const by = new Map<string, number>();
    for (const i of overdue.data?.items ?? []) by.set(i.owner_name || i.owner_id, (by.get(i.owner_name || i.owner_id) ?? 0) + i.count);
    return Array.from(by.entries())
      .sort((a, b) => b[1] - a[1])
      .map(([label, value]) => ({ label, segments: [{ tone: 'danger', label: t('report.overdue'), value }] }));
  })();

  const legisBars: Bar[] = (legis.data?.items ?? []).map((i) => ({ label: regionName(i.region, regions), segments: [{ tone: 'ok', label: t('report.legislators'), value: i.count }] }));
  const committeeBars: Bar[] = (committees.data?.items ?? []).map((i) => ({ label: regionName(i.region, regions), segments: [{ tone: 'info', label: t('report.committees'), value: i.count }] }));
  const summary = legis.data?.summary;

  return (
    <section class="reports">
      <div class="page-head">
        <h1>{t('nav.reports')}</h1>
        <Link href={`/reports/funder?${new URLSearchParams(Object.entries(range).filter((e): e is [string, string] => !!e[1])).toString()}`} class="btn" data-testid="open-funder-report">
          {t('funder.open')}
        </Link>
      </div>
      <form class="filters card" aria-label={t('report.period')} onSubmit={(e) => e.preventDefault()}>
        <PeriodFields idPrefix="r" />
      </form>

      <Section id="rs-h" title={t('report.funder_summary')} testid="funder-summary" class="card report-summary">
        {legis.loading && <Loading />}
        <ErrorBox error={legis.error} onRetry={legis.reload} />
        {summary && <FunderLines lines={trainings.data ? [summary, trainings.data.summary] : [summary]} />}
      </Section>

      <Section id="rt-h" title={t('report.people_trained')} testid="trainings-report">
        {trainings.loading && <Loading />}
        <ErrorBox error={trainings.error} onRetry={trainings.reload} />
        {trainings.data && <TrainingTable report={trainings.data} />}
        <CsvButton path="/reports/trainings" query={range} name="trainings" />
      </Section>

      <Section id="csv-h" title={t('report.exports')}>
        <div class="row">
          <CsvButton path="/stakeholders" name="stakeholders" label={t('nav.stakeholders')} />
          <CsvButton path="/meetings" query={range} name="meetings" label={t('search.meetings')} />
          <CsvButton path="/commitments" query={{ due_from: range.from, due_to: range.to }} name="commitments" label={t('nav.commitments')} />
          <CsvButton path="/tasks" name="tasks" label={t('meeting.tasks')} />
          <CsvButton path="/messages" query={range} name="messages" label={t('nav.correspondence')} />
        </div>
      </Section>

      <div class="report-grid">
        <Chart title={t('report.commitments_by_region')} loading={byRegion.loading} error={byRegion.error} retry={byRegion.reload} bars={regionBars} testid="chart-commitments-by-region" />
        <Chart title={t('report.meetings_per_month')} loading={perMonth.loading} error={perMonth.error} retry={perMonth.reload} bars={monthBars} testid="chart-meetings-per-month" />
        <Chart title={t('report.overdue_by_owner')} loading={overdue.loading} error={overdue.error} retry={overdue.reload} bars={overdueBars} testid="chart-overdue" />
        <Chart title={t('report.legislators_with_commitments', { n: legis.data?.total ?? 0 })} loading={legis.loading} error={legis.error} retry={legis.reload} bars={legisBars} testid="chart-legislators" />
        <Chart title={t('report.active_committees')} loading={committees.loading} error={committees.error} retry={committees.reload} bars={committeeBars} testid="chart-committees" />
      </div>
    </section>
  );
}

function Chart({ title, loading, error, retry, bars, testid }: { title: string; loading: boolean; error: unknown; retry: () => void; bars: Bar[]; testid: string }) {
  return (
    <section class="card">
      {loading && <Loading />}
      <ErrorBox error={error} onRetry={retry} />
      {!loading && !error && (bars.length ? <BarChart title={title} bars={bars} testid={testid} /> : (
        <>
          <h2 class="report-empty-title">{title}</h2>
          <Empty>{t('report.no_data')}</Empty>
        </>
      ))}
    </section>
  );
}

// People trained per quarter, region and audience (GET /reports/trainings), with the totals per audience.
import type { TrainingsReport } from '../api';
import { t, te } from '../i18n';

export function TrainingTable({ report }: { report: TrainingsReport }) {
  if (!report.items.length) return <p class="muted">{t('report.no_trainings')}</p>;
  return (
    // Focusable, so keyboard users can scroll it on a narrow screen.
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t('report.people_trained')}>
      <table data-testid="training-table">
        <caption class="small muted">{t('report.trained_caption', { people: report.people, trainings: report.trainings })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('report.quarter')}</th>
            <th scope="col">{t('common.region')}</th>
            <th scope="col">{t('training.audience')}</th>
            <th scope="col" class="num">{t('report.people')}</th>
          </tr>
        </thead>
        <tbody>
          {report.items.map((r) => (
            <tr key={`${r.quarter}|${r.region}|${r.audience}`}>
              <td>{r.quarter}</td>
              <td>{r.region_name}</td>
              <td>{te('audience', r.audience)}</td>
              <td class="num">{r.people}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {report.audiences.map((a) => (
            <tr key={a.audience}>
              <th scope="row" colSpan={3}>
                {t('report.total_for', { audience: te('audience', a.audience) })}
              </th>
              <td class="num">{a.people}</td>
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}

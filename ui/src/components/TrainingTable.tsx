// People trained per quarter, region and audience (GET /reports/trainings), with the totals per audience.
import type { TrainingsReport } from '../api';
import { formatQuarter } from '../format';
import { t, te, tn } from '../i18n';
import { Table } from './Table';

export function TrainingTable({ report }: { report: TrainingsReport }) {
  if (!report.items.length) return <p class="muted">{t('report.no_trainings')}</p>;
  const totals = (
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
  );
  return (
    <Table
      columns={[t('report.quarter'), t('common.region'), t('training.audience'), { label: t('report.people'), class: 'num' }]}
      testid="training-table"
      region={t('report.people_trained')}
      caption={tn('report.trained_caption', report.trainings, { people: tn('count.people', report.people) })}
      captionClass="small muted"
      foot={totals}
    >
      {report.items.map((r) => (
        <tr key={`${r.quarter}|${r.region}|${r.audience}`}>
          <td>{formatQuarter(r.quarter)}</td>
          <td>{r.region_name}</td>
          <td>{te('audience', r.audience)}</td>
          <td class="num">{r.people}</td>
        </tr>
      ))}
    </Table>
  );
}

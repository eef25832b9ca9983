// Admin › Reminders: whether mail can be sent, the last digest passes and the digests that failed.
import { endpoints } from '../api';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n';
import { Empty, ErrorBox, Loading } from './States';
import { Table } from './Table';

export function RemindersAdmin() {
  const r = useAsync(() => endpoints.remindersAdmin(), []);
  if (r.loading) return <Loading />;
  const d = r.data;
  return (
    <section aria-labelledby="rem-h" data-testid="admin-reminders">
      <h2 id="rem-h">{t('admin.reminders')}</h2>
      <ErrorBox error={r.error} onRetry={r.reload} />
      {d && !d.smtp_configured && <p class="admin-error">{t('admin.smtp_off')}</p>}
      {d && (d.runs.length === 0 ? <Empty>{t('admin.no_runs')}</Empty> : (
        <Table columns={[t('admin.run_at'), t('admin.sent'), t('admin.empty'), t('admin.failed'), t('admin.last_error')]} testid="digest-runs" caption={t('admin.digest_runs')} captionClass="small muted">
          {d.runs.map((x) => (
            <tr key={x.id} class={x.failed ? 'row-error' : ''}>
              <td>{formatDateTime(x.started_at)}</td>
              <td>{x.sent}</td>
              <td>{x.empty}</td>
              <td>{x.failed}</td>
              <td>{x.errors.length ? <span class="admin-error">{x.errors.join('; ')}</span> : '—'}</td>
            </tr>
          ))}
        </Table>
      ))}
      {d && d.failed.length > 0 && (
        <Table columns={[t('auth.email'), t('admin.period'), t('admin.attempts'), t('admin.last_error')]} testid="digests-failed" caption={t('admin.digests_failed')} captionClass="small muted">
          {d.failed.map((x) => (
            <tr key={x.id} class="row-error">
              <td>{x.email}</td>
              <td>{x.period}</td>
              <td>{x.attempts}</td>
              <td>
                <span class="admin-error">{x.last_error}</span>
                <div class="small muted">{formatDateTime(x.updated_at)}</div>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

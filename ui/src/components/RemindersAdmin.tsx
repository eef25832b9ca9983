// Admin › Reminders: whether mail can be sent, the last digest passes and the digests that failed.
import { endpoints } from '../api';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n';
import { Empty, ErrorBox, Loading } from './States';

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
        <div class="table-wrap">
          <table data-testid="digest-runs">
            <caption class="small muted">{t('admin.digest_runs')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.run_at')}</th>
                <th scope="col">{t('admin.sent')}</th>
                <th scope="col">{t('admin.empty')}</th>
                <th scope="col">{t('admin.failed')}</th>
                <th scope="col">{t('admin.last_error')}</th>
              </tr>
            </thead>
            <tbody>
              {d.runs.map((x) => (
                <tr key={x.id} class={x.failed ? 'row-error' : ''}>
                  <td>{formatDateTime(x.started_at)}</td>
                  <td>{x.sent}</td>
                  <td>{x.empty}</td>
                  <td>{x.failed}</td>
                  <td>{x.errors.length ? <span class="admin-error">{x.errors.join('; ')}</span> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {d && d.failed.length > 0 && (
        <div class="table-wrap">
          <table data-testid="digests-failed">
            <caption class="small muted">{t('admin.digests_failed')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('admin.period')}</th>
                <th scope="col">{t('admin.attempts')}</th>
                <th scope="col">{t('admin.last_error')}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

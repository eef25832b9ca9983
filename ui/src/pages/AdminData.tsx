// Admin → Data: database engine and size, documents per collection, last backup, the
// organisation export, and personal-data requests (access and erasure, Ley 29733).
import { useState } from 'preact/hooks';
import { api, endpoints, type EraseReport } from '../api';
import { TextInput } from '../components/Field';
import { StakeholderPicker, type Picked } from '../components/StakeholderPicker';
import { ErrorBox, Loading, Notice } from '../components/States';
import { errorMessage, fieldErrorsOf } from '../errors';
import { formatAge, formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { getLang, t, tn } from '../i18n';
import { useSave } from '../save';
import { Table } from '../components/Table';
import { SaveButton } from '../components/FormActions';

export function formatMB(bytes: number): string {
  return `${(bytes / (1 << 20)).toLocaleString(getLang(), { maximumFractionDigits: 1 })} MB`;
}

/** PEOPLE_DATA names the collections people know, in the order they think of them; the rest is the system's own bookkeeping. */
const PEOPLE_DATA = ['stakeholders', 'meetings', 'commitments', 'tasks', 'messages', 'users', 'audit'];

/** dataRows are the records per kind as people name them, with the system's own collections summed in one row. */
export function dataRows(collections: { name: string; documents: number }[]): { key: string; label: string; documents: number }[] {
  const rows = PEOPLE_DATA.map((k) => ({ key: k, label: t(`data.kind.${k}`), documents: collections.find((c) => c.name === k)?.documents ?? 0 }));
  const other = collections.filter((c) => !PEOPLE_DATA.includes(c.name) && c.name !== 'message_bodies').reduce((n, c) => n + c.documents, 0);
  return [...rows, { key: 'other', label: t('data.kind.other'), documents: other }];
}

export default function AdminData() {
  const storage = useAsync(() => endpoints.storage(), []);
  const s = storage.data;
  return (
    <section aria-labelledby="data-h" data-testid="admin-data">
      <h2 id="data-h">{t('admin.data')}</h2>
      {storage.loading && !s && <Loading />}
      <ErrorBox error={storage.error} onRetry={storage.reload} />
      {s && (
        <>
          {s.size_warning && (
            <div class="state state-error" role="alert" data-testid="size-warning">
              {t('data.size_warning', { size: formatMB(s.database_bytes), limit: formatMB(s.warning_bytes) })}
            </div>
          )}
          {s.engine === 'embedded' && !s.scheduled_backups && (
            <div class="state state-error" role="alert" data-testid="backups-off">
              {t('data.backups_off')}
            </div>
          )}
          <dl class="card data-facts" data-testid="storage">
            <dt>{t('data.engine')}</dt>
            <dd>{t(`data.engine_${s.engine}`)}</dd>
            <dt>{t('data.size')}</dt>
            <dd>{formatMB(s.database_bytes)}</dd>
            <dt>{t('data.last_backup')}</dt>
            <dd data-testid="last-backup">
              {!s.last_backup && (s.engine === 'embedded' ? t('data.no_backup') : t('data.mongodb_backups'))}
              {s.last_backup &&
                (s.last_backup.ok
                  ? t('data.backup_ok_age', { age: formatAge(s.last_backup.at), at: formatDateTime(s.last_backup.at), size: formatMB(s.last_backup.size) })
                  : t('data.backup_failed', { at: formatDateTime(s.last_backup.at), error: s.last_backup.error ?? '' }))}
            </dd>
            {s.engine === 'embedded' && s.scheduled_backups && (
              <>
                <dt>{t('data.scheduled')}</dt>
                <dd data-testid="backups-on">{tn('data.every_hours', s.backup_interval_hours ?? 24)}</dd>
              </>
            )}
          </dl>
          {s.engine === 'embedded' && (
            <Download method="POST" path="/admin/backup" name="alianza-backup.tar.gz" label={t('data.backup_now')} hint={t('data.backup_now_hint')} testid="backup-now" />
          )}
          <Table columns={[t('data.kind'), { label: t('data.records'), class: 'num' }]} caption={t('data.what')}>
            {dataRows(s.collections).map((r) => (
              <tr key={r.key} data-testid={`data-${r.key}`}>
                <td>{r.label}</td>
                <td class="num">{r.documents.toLocaleString(getLang())}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
      <Download path="/admin/export" name="alianza-export.zip" label={t('data.export')} hint={t('data.export_hint')} testid="export-all" />
      <PersonalData />
    </section>
  );
}

function Download({ method = 'GET', path, query, name, label, hint, testid }: { method?: 'GET' | 'POST'; path: string; query?: Record<string, string>; name: string; label: string; hint?: string; testid: string }) {
  const { busy, error, run } = useSave();
  const go = () => run({}, () => api.download(path, query ?? {}, name, method));
  return (
    <p>
      <button type="button" class="btn" onClick={() => void go()} disabled={busy} data-testid={testid}>
        {busy ? t('common.loading') : label}
      </button>
      {hint && <span class="small muted"> {hint}</span>}
      {error && (
        <span role="alert" class="field-error">
          {' '}
          {errorMessage(error)}
        </span>
      )}
    </p>
  );
}

function PersonalData() {
  const [who, setWho] = useState<Picked | null>(null);
  const [confirm, setConfirm] = useState('');
  const { error: err, setError: setErr, busy, run } = useSave();
  const [done, setDone] = useState<EraseReport | null>(null);
  const erase = async () => {
    if (!who) return;
    await run({}, async () => {
      setDone(await endpoints.eraseStakeholder(who.id, confirm));
      setConfirm('');
    });
  };
  // From the error itself, not useSave's field errors: picking another person clears it.
  const confirmError = fieldErrorsOf(err).confirm_name;
  const base = who ? `/admin/stakeholders/${who.id}/personal-data` : '';
  return (
    <section class="card" aria-labelledby="pd-h" data-testid="personal-data">
      <h3 id="pd-h">{t('data.personal')}</h3>
      <p class="small muted">{t('data.personal_help')}</p>
      <StakeholderPicker
        id="pd-stakeholder"
        label={t('data.personal_pick')}
        onPick={(p) => {
          setWho(p);
          setDone(null);
          setErr(null);
        }}
      />
      {who && (
        <>
          <p>
            <strong>{who.name}</strong>
          </p>
          <Download path={base} name={`personal-data-${who.id}.json`} label={t('data.personal_json')} testid="pd-json" />
          <Download path={base} query={{ format: 'html', lang: getLang() }} name={`personal-data-${who.id}.html`} label={t('data.personal_page')} testid="pd-page" />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void erase();
            }}
          >
            <TextInput id="pd-confirm" label={t('data.erase_confirm', { name: who.name })} value={confirm} onValue={setConfirm} error={confirmError} />
            <p class="small muted">{t('data.erase_help')}</p>
            <SaveButton busy={busy} testid="pd-erase" label={t('data.erase')} class="btn btn-danger" disabled={!confirm.trim()} />
          </form>
          {!confirmError && <ErrorBox error={err} />}
          {done && <Notice>{t('data.erased', { meetings: tn('count.meetings', done.meetings), commitments: tn('count.commitments', done.commitments), tasks: tn('count.tasks', done.tasks), messages: tn('count.messages', done.messages), stakeholders: tn('count.other_stakeholders', done.stakeholders) })}</Notice>}
        </>
      )}
    </section>
  );
}

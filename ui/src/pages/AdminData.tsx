// Admin → Data: database engine and size, documents per collection, last backup, the
// organisation export, and personal-data requests (access and erasure, Ley 29733).
import { useState } from 'preact/hooks';
import { api, endpoints, type EraseReport } from '../api';
import { TextInput } from '../components/Field';
import { StakeholderPicker, type Picked } from '../components/StakeholderPicker';
import { ErrorBox, Loading, Notice } from '../components/States';
import { errorMessage, fieldErrorsOf } from '../errors';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { getLang, t } from '../i18n';
import { useSave } from '../save';
import { Table } from '../components/Table';
import { SaveButton } from '../components/FormActions';

export function formatMB(bytes: number): string {
  return `${(bytes / (1 << 20)).toLocaleString(getLang(), { maximumFractionDigits: 1 })} MB`;
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
                  ? t('data.backup_ok', { at: formatDateTime(s.last_backup.at), size: formatMB(s.last_backup.size) })
                  : t('data.backup_failed', { at: formatDateTime(s.last_backup.at), error: s.last_backup.error ?? '' }))}
            </dd>
          </dl>
          <Table columns={[t('data.collection'), { label: t('data.documents'), class: 'num' }]} caption={t('data.collections')}>
            {s.collections.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td class="num">{c.documents.toLocaleString(getLang())}</td>
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

function Download({ path, query, name, label, hint, testid }: { path: string; query?: Record<string, string>; name: string; label: string; hint?: string; testid: string }) {
  const { busy, error, run } = useSave();
  const go = () => run({}, () => api.download(path, query ?? {}, name));
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
          {done && <Notice>{t('data.erased', { meetings: done.meetings, commitments: done.commitments, tasks: done.tasks, messages: done.messages, stakeholders: done.stakeholders })}</Notice>}
        </>
      )}
    </section>
  );
}

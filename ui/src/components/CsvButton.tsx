// Downloads a list endpoint as CSV with the bearer token (fetch + Blob), in the UI language.
import { useState } from 'preact/hooks';
import { api, type Query } from '../api';
import { errorMessage } from '../errors';
import { getLang, t } from '../i18n';

export function CsvButton({ path, query, name, label, testid }: { path: string; query?: Query; name: string; label?: string; testid?: string }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const go = async () => {
    setBusy(true);
    setErr('');
    try {
      await api.download(path, { ...query, format: 'csv', lang: getLang() }, `${name}.csv`);
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <button type="button" class="btn btn-small" onClick={() => void go()} disabled={busy} data-testid={testid ?? `csv-${name}`}>
        {busy ? t('common.loading') : (label ?? t('common.export_csv'))}
      </button>
      {err && (
        <span role="alert" class="field-error">
          {' '}
          {err}
        </span>
      )}
    </span>
  );
}

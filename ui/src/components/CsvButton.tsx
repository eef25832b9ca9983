// Downloads a list endpoint as CSV with the bearer token (fetch + Blob), in the UI language.
import { api, type Query } from '../api';
import { errorMessage } from '../errors';
import { useAction } from '../hooks';
import { getLang, t } from '../i18n';

export function CsvButton({ path, query, name, label, testid }: { path: string; query?: Query; name: string; label?: string; testid?: string }) {
  const { busy, error, run } = useAction();
  const go = () => run(() => api.download(path, { ...query, format: 'csv', lang: getLang() }, `${name}.csv`));
  return (
    <span>
      <button type="button" class="btn btn-small" onClick={() => void go()} disabled={busy} data-testid={testid ?? `csv-${name}`}>
        {busy ? t('common.loading') : (label ?? t('common.export_csv'))}
      </button>
      {!!error && (
        <span role="alert" class="field-error">
          {' '}
          {errorMessage(error)}
        </span>
      )}
    </span>
  );
}

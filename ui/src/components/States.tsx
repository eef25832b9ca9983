// Loading, empty and error states used by every page.
import type { ComponentChildren } from 'preact';
import { errorMessage, isConflict, isMissing } from '../errors';
import { t } from '../i18n';
import './States.css';

export function Loading({ label }: { label?: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite" data-testid="loading">
      <span class="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return (
    <p class="state state-empty" data-testid="empty">
      {children ?? t('common.empty')}
    </p>
  );
}

/** ErrorBox shows an error in plain words; on a conflict it offers to reload. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div class="state state-error" role="alert" data-testid="error">
      <span>{errorMessage(error)}</span>
      {onRetry && !isMissing(error) && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          {isConflict(error) ? t('common.reload') : t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="state state-ok" role="status" data-testid="notice">
      {children}
    </p>
  );
}

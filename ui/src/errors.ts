// Turns any failure into a sentence a person can act on, in the current language.
import { ApiError } from './api';
import { t } from './i18n';

/** errorMessage maps an error (usually an ApiError) to plain words. */
export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unexpected');
  switch (err.status) {
    case 0:
      return t('error.network');
    case 400:
    case 422:
      return err.errors.length ? t('error.validation') : err.detail || t('error.validation');
    case 401:
      return t('error.unauthorized');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.not_found');
    case 409:
      return t('error.conflict');
    case 413:
      return t('error.too_large');
    case 429:
      return err.retryAfter !== undefined ? t('error.rate_limited_in', { n: err.retryAfter }) : t('error.rate_limited');
    case 503:
      return t('error.unavailable');
    default:
      if (err.status >= 500) return t('error.server');
      return err.detail || err.title || t('error.unexpected');
  }
}

/** fieldErrorsOf returns the per-field messages of a validation error, or {}. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  return err instanceof ApiError && (err.status === 400 || err.status === 422) ? err.fieldErrors() : {};
}

/** isOffline tells a network failure (no answer at all) from an answer of the server. */
export function isOffline(err: unknown): boolean {
  return err instanceof ApiError && err.status === 0;
}

/** isMissing tells whether the record does not exist (retrying cannot help). */
export function isMissing(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

/** isConflict tells whether the error is a stale write (someone else changed the record). */
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}

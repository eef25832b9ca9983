// Small rules shared by the meeting forms.
import { addDays, todayInLima } from './format';
import { t } from './i18n';

/** farAhead tells whether a Lima local date-time is more than a year after today. */
export function farAhead(local: string, today = todayInLima()): boolean {
  return local.slice(0, 10) > addDays(today, 365);
}

/** enterDoesNotSubmit keeps Enter in a one-line field (place, role, dates)
 * from saving the whole meeting half-written; the save button still works. */
export function enterDoesNotSubmit(e: KeyboardEvent) {
  const el = e.target as HTMLElement | null;
  if (e.key === 'Enter' && el instanceof HTMLInputElement && el.type !== 'submit' && el.type !== 'button') e.preventDefault();
}

/**
 * cancelledFarAhead asks before saving a meeting more than a year ahead and tells whether the
 * person cancelled; then clear drops the form's earlier errors, which no longer describe anything sent.
 */
export function cancelledFarAhead(local: string, clear: () => void): boolean {
  if (!farAhead(local) || confirm(t('meeting.far_future_confirm'))) return false;
  clear();
  return true;
}

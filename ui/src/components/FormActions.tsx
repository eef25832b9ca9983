// The buttons under a form: save (showing "Saving…" while busy) and cancel.
import { t } from '../i18n';

interface SaveProps {
  busy: boolean;
  testid: string;
  /** the button's text when not busy; "Save" by default */
  label?: string;
  class?: string;
  /** disabled for another reason than being busy */
  disabled?: boolean;
}

/** SaveButton submits its form; it is disabled and says "Saving…" while busy. */
export function SaveButton({ busy, testid, label, class: cls = 'btn btn-primary', disabled }: SaveProps) {
  return (
    <button type="submit" class={cls} disabled={busy || disabled} data-testid={testid}>
      {busy ? t('common.saving') : (label ?? t('common.save'))}
    </button>
  );
}

/** FormActions is the row of cancel and save; end aligns it to the right. */
export function FormActions({ busy, testid, onCancel, end }: { busy: boolean; testid: string; onCancel: () => void; end?: boolean }) {
  return (
    <div class={end ? 'row row-end' : 'row'}>
      <button type="button" class="btn" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <SaveButton busy={busy} testid={testid} />
    </div>
  );
}

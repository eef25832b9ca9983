// A delete button that opens an inline confirmation (no browser dialog), with
// an optional extra choice (e.g. also delete what was created with it).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { useSave } from '../save';
import { ErrorBox } from './States';

interface Props {
  label: string;
  question: string;
  /** optional checkbox shown in the confirmation, e.g. "also delete its commitments" */
  option?: string;
  onDelete: (option: boolean) => Promise<void>;
  testid: string;
  children?: ComponentChildren;
}

export function DeletePanel({ label, question, option, onDelete, testid, children }: Props) {
  const [open, setOpen] = useState(false);
  const [opt, setOpt] = useState(true);
  const { busy, error, run } = useSave();
  if (!open)
    return (
      <button type="button" class="btn btn-danger" onClick={() => setOpen(true)} data-testid={testid}>
        {label}
      </button>
    );
  const go = () => run({}, () => onDelete(opt));
  return (
    <div class="card delete-panel" role="alertdialog" aria-labelledby={`${testid}-q`} data-testid={`${testid}-panel`}>
      <p id={`${testid}-q`}>
        <strong>{question}</strong>
      </p>
      {children}
      {option && (
        <label class="check">
          <input type="checkbox" checked={opt} onChange={(e) => setOpt(e.currentTarget.checked)} data-testid={`${testid}-option`} />
          {option}
        </label>
      )}
      <ErrorBox error={error} />
      <div class="row">
        <button type="button" class="btn" onClick={() => setOpen(false)} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button type="button" class="btn btn-danger" onClick={() => void go()} disabled={busy} data-testid={`${testid}-confirm`}>
          {busy ? t('common.saving') : label}
        </button>
      </div>
    </div>
  );
}

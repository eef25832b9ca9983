// Labelled form controls with their error message tied by aria-describedby.
import type { ComponentChildren, InputHTMLAttributes, LooseInputHTMLAttributes } from 'preact';
import { formatNumber } from '../format';
import { t, te } from '../i18n';
import './Field.css';

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  /** the field's length limit and current length: a counter shows while typing */
  count?: { n: number; max: number };
  children: (a11y: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string; required?: boolean }) => ComponentChildren;
}

/** Field renders label, control (via render prop), hint and error. error may be a translation key. */
export function Field({ id, label, error, hint, required, count, children }: FieldProps) {
  const desc = [hint ? `${id}-hint` : '', count ? `${id}-count` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <span class="field-label">
        <label for={id}>{label}</label>
        {required && (
          <span class="field-req" aria-hidden="true">
            *
          </span>
        )}
      </span>
      {children({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': desc, required })}
      {hint && (
        <span class="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {count && <Counter id={`${id}-count`} {...count} />}
      {error && (
        <span class="field-error" id={`${id}-err`} data-testid={`error-${id}`}>
          {t(error)}
        </span>
      )}
    </div>
  );
}

/** charCount counts characters as the server does (code points, not UTF-16 units). */
export const charCount = (s: string) => [...s].length;

/** Counter shows "120 / 500"; a screen reader hears it only near the limit (not on every key). */
function Counter({ id, n, max }: { id: string; n: number; max: number }) {
  const near = n >= max * 0.9;
  return (
    <span class={`field-count small${near ? ' field-count-near' : ''}`} id={id} aria-live={near ? 'polite' : 'off'} data-testid={`count-${id.slice(0, -6)}`}>
      {t('field.count', { n: formatNumber(n), max: formatNumber(max) })}
    </span>
  );
}

type InputProps = Omit<LooseInputHTMLAttributes<HTMLInputElement>, 'onInput' | 'value' | 'max'> & {
  id: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  /** length limit: typing stops there (maxLength) and a counter shows */
  max?: number;
  onValue: (v: string) => void;
};

export function TextInput({ id, label, value, error, hint, required, max, onValue, ...rest }: InputProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint} required={!!required} count={max ? { n: charCount(value), max } : undefined}>
      {(a) => <input {...(rest as InputHTMLAttributes)} {...a} maxLength={max} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

type AreaProps = { id: string; label: string; value: string; error?: string; hint?: string; required?: boolean; rows?: number; max?: number; onValue: (v: string) => void };

export function TextArea({ id, label, value, error, hint, required, rows, max, onValue }: AreaProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint} required={required} count={max ? { n: charCount(value), max } : undefined}>
      {(a) => <textarea {...a} rows={rows ?? 3} maxLength={max} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

type SelectProps = {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  error?: string;
  required?: boolean;
  /** label of a first empty option ("any"); omitted when undefined */
  blank?: string;
  onValue: (v: string) => void;
};

export function Select({ id, label, value, options, error, required, blank, onValue }: SelectProps) {
  return (
    <Field id={id} label={label} error={error} required={required}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          {blank !== undefined && <option value="">{blank}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** enumOptions turns enum values into translated options. */
export function enumOptions(group: string, values: string[]) {
  return values.map((v) => ({ value: v, label: te(group, v) }));
}

/** CheckGroup is a fieldset of checkboxes. */
export function CheckGroup({ legend, name, values, options, onValues, error }: { legend: string; name: string; values: string[]; options: { value: string; label: string }[]; onValues: (v: string[]) => void; error?: string }) {
  const toggle = (v: string, on: boolean) => onValues(on ? [...values, v] : values.filter((x) => x !== v));
  return (
    <fieldset class="checkgroup" aria-describedby={error ? `${name}-err` : undefined}>
      <legend>{legend}</legend>
      <div class="checkgroup-items">
        {options.map((o) => (
          <label key={o.value} class="check">
            <input type="checkbox" name={name} value={o.value} checked={values.includes(o.value)} onChange={(e) => toggle(o.value, e.currentTarget.checked)} />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <span class="field-error" id={`${name}-err`} data-testid={`error-${name}`}>
          {t(error)}
        </span>
      )}
    </fieldset>
  );
}

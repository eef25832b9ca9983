// Typeahead over stakeholders (GET /stakeholders?q=) following the ARIA combobox pattern,
// with an optional "add new person" entry that creates one inline (POST /stakeholders).
// search and describe make it pick something else the same way (initiatives).
import { useEffect, useRef, useState } from 'preact/hooks';
import { createPerson, searchStakeholders, type Found } from '../offline/save';
import { errorMessage } from '../errors';
import { useDebounced } from '../hooks';
import { t, te, tn } from '../i18n';
import './StakeholderPicker.css';

export interface Picked {
  id: string;
  name: string;
  kind: string;
  /** set when the picker has just created this person */
  created?: boolean;
}

interface Props {
  id: string;
  label: string;
  onPick: (s: Picked) => void;
  exclude?: string[];
  /** when set, offers "add new person" and creates the person in these regions */
  createRegions?: string[];
  kind?: string;
  error?: string;
  /** finds the options (stakeholders by default, online or from the device's copy) */
  search?: (q: string, signal: AbortSignal) => Promise<Found[]>;
  /** the muted words after an option's name (its kind by default) */
  describe?: (f: Found) => string;
}

/** keepsFocus tells whether focus may return to the search: it is there already or nowhere. */
export function keepsFocus(active: Element | null, search: Element | null): boolean {
  return !active || active === document.body || active === search;
}

export function StakeholderPicker({ id, label, onPick, exclude = [], createRegions, kind, error, search = (q, signal) => searchStakeholders(q, kind, signal), describe = (f) => te('kind', f.kind) }: Props) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Found[]>([]);
  const [active, setActive] = useState(-1);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const dq = useDebounced(q.trim(), 200);
  const input = useRef<HTMLInputElement>(null);
  const listId = `${id}-list`;

  useEffect(() => {
    if (dq.length < 2) {
      setItems([]);
      return;
    }
    const ctl = new AbortController();
    setBusy(true);
    search(dq, ctl.signal)
      .then((found) => {
        setItems(found.filter((s) => !exclude.includes(s.id)));
        setActive(-1);
        setErr('');
      })
      .catch((e) => {
        if ((e as Error)?.name !== 'AbortError') setErr(errorMessage(e));
      })
      .finally(() => setBusy(false));
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dq, kind, exclude.join(',')]);

  const canCreate = !!createRegions && q.trim().length >= 2;
  const count = items.length + (canCreate ? 1 : 0);

  const pick = (s: Picked) => {
    onPick(s);
    setQ('');
    setItems([]);
    setOpen(false);
    // Focus moves only by the user's own action: after a slow create the person may be typing
    // elsewhere, so the search takes focus back only if nothing else has it.
    if (keepsFocus(document.activeElement, input.current)) input.current?.focus();
  };

  const create = async () => {
    setBusy(true);
    setErr('');
    try {
      pick({ ...(await createPerson(q.trim(), createRegions ?? [])), created: true });
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const choose = (i: number) => {
    if (i < items.length) pick({ id: items[i].id, name: items[i].name, kind: items[i].kind });
    else if (canCreate) void create();
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (count ? (a + 1) % count : -1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (count ? (a - 1 + count) % count : -1));
    } else if (e.key === 'Enter') {
      // Enter picks here; it never submits the surrounding form.
      e.preventDefault();
      if (open && active >= 0) choose(active);
      else if (items.length === 1) choose(0);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const showList = open && (count > 0 || (dq.length >= 2 && !busy));
  const errId = error || err ? `${id}-err` : undefined;

  return (
    <div class="picker">
      <label for={id}>{label}</label>
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={errId}
        placeholder={t('picker.placeholder')}
        value={q}
        onInput={(e) => {
          setQ(e.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      {showList && (
        <ul class="picker-list" id={listId} role="listbox" aria-label={label}>
          {items.map((s, i) => (
            <li
              key={s.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
            >
              <span>{s.name}</span> <span class="muted small">{describe(s)}</span>
            </li>
          ))}
          {count === 0 && <li class="picker-none muted">{t('picker.none')}</li>}
          {canCreate && (
            <li
              id={`${id}-opt-${items.length}`}
              role="option"
              aria-selected={active === items.length}
              class={`picker-create${active === items.length ? ' active' : ''}`}
              data-testid={`${id}-create`}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(items.length);
              }}
            >
              {t('picker.create', { name: q.trim() })}
            </li>
          )}
        </ul>
      )}
      <span class="sr-only" aria-live="polite">
        {busy ? t('common.loading') : showList ? tn('picker.count', items.length) : ''}
      </span>
      {(error || err) && (
        <span class="field-error" id={errId} data-testid={`error-${id}`}>
          {err || t(error!)}
        </span>
      )}
    </div>
  );
}

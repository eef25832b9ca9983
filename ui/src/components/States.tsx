// Loading, empty and error states used by every page.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { errorMessage, isConflict, isMissing, isOffline } from '../errors';
import { formatAge } from '../format';
import { t, tn } from '../i18n';
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

/**
 * ErrorBox shows an error in plain words. onRetry is offered as "retry" (as
 * "reload" on a conflict); onReload only on a conflict, where a form's save
 * lost to someone else's change and its record must be loaded again.
 */
export function ErrorBox({ error, onRetry, onReload }: { error: unknown; onRetry?: () => void; onReload?: () => void }) {
  if (!error) return null;
  const conflict = isConflict(error);
  const action = conflict ? (onReload ?? onRetry) : onRetry;
  return (
    <div class="state state-error" role="alert" data-testid="error">
      <span>{errorMessage(error)}</span>
      {action && !isMissing(error) && (
        <button type="button" class="btn btn-small" onClick={action}>
          {conflict ? t('common.reload') : t('common.retry')}
        </button>
      )}
    </div>
  );
}

/**
 * ListError is a list's failed load: without signal a calm note (nobody typed anything
 * there, nothing is lost), otherwise the error box with its retry.
 */
export function ListError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  if (isOffline(error)) {
    return (
      <p class="state state-offline" data-testid="offline-note">
        {t('offline.list_unavailable')}
      </p>
    );
  }
  return <ErrorBox error={error} onRetry={onRetry} />;
}

/** KeptNote says a list comes from the device's copy, and how old it is. */
export function KeptNote({ savedAt }: { savedAt?: string }) {
  if (!savedAt) return null;
  return (
    <p class="state state-offline small" data-testid="kept-note">
      {t('offline.kept', { age: formatAge(savedAt) })}
    </p>
  );
}

/**
 * LoadMore asks a paged list for its next page. While that page loads the button stays, busy
 * and saying so, so focus stays where the person tapped and nothing below it jumps (it used
 * to vanish and come back). A failed "load more" is told here, by the rows it was to follow,
 * not at the list's head a hundred rows up, and its "try again" asks for that page again.
 * After the last page the list says it ends, where the button was. A screen reader hears how
 * many rows each page brought (the focused button does not change, so nothing else is said).
 *
 * Focus follows the person's own "load more": when what it is on gives way (the button to the
 * list's end or to a failed page's "try again", that "try again" to the busy button), it moves
 * to what took its place instead of falling to the page, so a keyboard or screen reader keeps
 * its place. It moves only from here and only when nothing else has it, so a first load or a
 * new filter never takes it. None of it is printed (a report printed as far as loaded).
 */
export function LoadMore({ list, testid }: { list: { hasMore: boolean; ended: boolean; added: number; loading: boolean; more: () => Promise<void>; error: unknown; items: unknown[]; retry: () => void }; testid?: string }) {
  const box = useRef<HTMLDivElement>(null);
  // Read while rendering, before this render takes the focused element out of the page.
  const had = useRef(false);
  had.current = !!box.current?.contains(document.activeElement);
  useLayoutEffect(() => {
    const el = box.current;
    if (!had.current || !el || !focusLost()) return;
    // An error with nothing to press (a page that is gone) is read from the box itself.
    (el.querySelector<HTMLElement>('button, [data-testid="list-end"]') ?? (el.firstElementChild ? el : null))?.focus();
  });
  let part: ComponentChildren = null;
  if (list.error) {
    if (list.items.length > 0) part = <ErrorBox error={list.error} onRetry={list.retry} />;
  } else if (list.hasMore) {
    if (!(list.loading && list.items.length === 0)) {
      part = (
        <button type="button" class="btn" aria-disabled={list.loading} aria-busy={list.loading} onClick={() => list.loading || void list.more()} data-testid={testid}>
          {list.loading ? t('common.loading') : t('common.load_more')}
        </button>
      );
    }
  } else if (list.ended) {
    part = (
      <p class="state state-end" role="status" tabIndex={-1} data-testid="list-end">
        {t('common.no_more')}
      </p>
    );
  }
  return (
    <>
      <div class="load-more no-print" ref={box} tabIndex={-1}>
        {part}
      </div>
      {/* Emptied while a page loads, so the same count twice is said twice. */}
      <p class="sr-only" role="status" data-testid="list-added">
        {!list.loading && list.added > 0 ? tn('common.loaded_more', list.added) : ''}
      </p>
    </>
  );
}

/** focusLost tells that focus is nowhere: on the page itself or on an element taken out of it. */
function focusLost(): boolean {
  const a = document.activeElement;
  return !a || a === document.body || !a.isConnected;
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="state state-ok" role="status" data-testid="notice">
      {children}
    </p>
  );
}

// Small data hooks shared by pages.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useQuery } from './router';

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/**
 * useLoad runs fn when deps change or reload is called, with loading and error
 * kept; only the latest run's answer lands (in onData), so a slow old answer
 * never overwrites a newer one. seq tells a caller's own later call whether it
 * is still the latest.
 */
function useLoad<T>(fn: () => Promise<T>, deps: unknown[], onData: (d: T) => void, onError: () => void = () => undefined) {
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    fn().then(
      (d) => {
        if (my !== seq.current) return;
        onData(d);
        setLoading(false);
      },
      (e) => {
        if (my !== seq.current) return;
        setError(e);
        onError();
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { error, setError, loading, setLoading, seq, reload };
}

/** useAsync runs fn when deps change and keeps the last answer, error and loading flag. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const { error, loading, reload } = useLoad(fn, deps, setData);
  return { data, error, loading, reload, setData };
}

/**
 * usePaged loads a cursor-paged list, with "load more" appending the next page.
 * retry answers an error box's "try again": a failed "load more" is asked
 * again and the pages already shown stay (on a bad connection they cost
 * minutes to fetch), a failed first page reloads the list. ended is whether a
 * "load more" brought the last page, so the list can say it ends where the
 * button was; a list that fits in its first page has nothing to say. added is
 * how many rows the last "load more" brought (0 once the list loads again).
 * loadingMore is whether the load under way is a "load more": its button says
 * so where it is, and the page's own "loading" stays for first loads and
 * reloads (shown twice, it pushed the button down and back up).
 */
export function usePaged<T>(fn: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string }>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [ended, setEnded] = useState(false);
  const [added, setAdded] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const moreFailed = useRef(false);
  const { error, setError, loading, setLoading, seq, reload } = useLoad(
    () => {
      // A (re)load from the start drops a "load more" under way (its answer is not used).
      setLoadingMore(false);
      return fn();
    },
    deps,
    (p) => {
      moreFailed.current = false;
      setEnded(false);
      setAdded(0);
      setItems(p.items ?? []);
      setCursor(p.next_cursor || undefined);
    },
    () => {
      // No rows, and no cursor of the list shown before: "load more" must
      // not bring an old filter's next page.
      moreFailed.current = false;
      setEnded(false);
      setAdded(0);
      setItems([]);
      setCursor(undefined);
    },
  );
  const more = async () => {
    if (!cursor) return;
    const my = seq.current;
    setLoading(true);
    setLoadingMore(true);
    setError(null);
    try {
      const p = await fn(cursor);
      if (my !== seq.current) return;
      moreFailed.current = false;
      setItems((old) => [...old, ...(p.items ?? [])]);
      setCursor(p.next_cursor || undefined);
      setEnded(!p.next_cursor);
      setAdded(p.items?.length ?? 0);
    } catch (e) {
      if (my !== seq.current) return;
      moreFailed.current = true;
      setError(e);
    } finally {
      if (my === seq.current) {
        setLoading(false);
        setLoadingMore(false);
      }
    }
  };
  const retry = () => {
    if (moreFailed.current) void more();
    else reload();
  };
  return { items, setItems, hasMore: !!cursor, ended, added, more, error, loading, loadingMore, reload, retry };
}

/** Action is the state of one user action (a save, a download, a status change). */
export interface Action {
  /** the last failure, null after a success or before the first run */
  error: unknown;
  busy: boolean;
  /**
   * run calls fn with the error cleared and busy set; a failure lands in error
   * (and in onError, e.g. to map field messages), never in the caller. It
   * resolves to whether fn succeeded.
   */
  run: (fn: () => Promise<unknown>, onError?: (e: unknown) => void) => Promise<boolean>;
  setError: (e: unknown) => void;
}

/** useAction is the one way to run an action and show its error: no try/catch in pages. */
export function useAction(): Action {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>, onError?: (e: unknown) => void) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      onError?.(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

/** useDebounced returns value after it has stopped changing for ms. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, set] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => set(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** useSearchText is a search box's text, copied to the address (?q=) once typing pauses. */
export function useSearchText(ms = 300): [string, (s: string) => void] {
  const [q, setQuery] = useQuery();
  const [text, setText] = useState(q.q ?? '');
  const dtext = useDebounced(text, ms);
  useEffect(() => {
    if ((q.q ?? '') !== dtext) setQuery({ q: dtext });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dtext]);
  return [text, setText];
}

/** useTitle sets the document title for the page. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Alianza` : 'Alianza';
  }, [title]);
}

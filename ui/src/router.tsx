// A small history-API router: path patterns with :params, query helpers and <Link>.
import type { ComponentChildren, LooseAnchorHTMLAttributes, TargetedMouseEvent } from 'preact';
import { useFollow } from './follow';

export interface Loc {
  path: string;
  search: string;
}

const listeners = new Set<(l: Loc) => void>();

function readLoc(): Loc {
  return { path: location.pathname, search: location.search };
}

function emit() {
  const l = readLoc();
  listeners.forEach((fn) => fn(l));
}

if (typeof window !== 'undefined') window.addEventListener('popstate', emit);

/** navigate goes to url inside the app (pushState, or replaceState when replace is set). */
export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  emit();
  if (!replace) window.scrollTo(0, 0);
}

/** useLocation re-renders on every navigation. */
export function useLocation(): Loc {
  return useFollow(listeners, readLoc);
}

/** useQuery returns the query string as a plain object plus a setter that keeps it in the URL. */
export function useQuery(): [Record<string, string>, (patch: Record<string, string | undefined>, replace?: boolean) => void] {
  const loc = useLocation();
  const q = Object.fromEntries(new URLSearchParams(loc.search));
  const set = (patch: Record<string, string | undefined>, replace = true) => {
    const p = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    const s = p.toString();
    navigate(location.pathname + (s ? `?${s}` : ''), replace);
  };
  return [q, set];
}

/** match compares a path with a pattern like "/stakeholders/:id" and returns its params. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

type LinkProps = Omit<LooseAnchorHTMLAttributes<HTMLAnchorElement>, 'role'> & { href: string; children?: ComponentChildren };

/** Link is an <a> that navigates without reloading the page. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handle = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (typeof onClick === 'function') onClick(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={handle} />;
}

import { render, type JSX } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { setLang } from '../i18n';
import { ErrorBox, ListError, LoadMore } from './States';

const box = (el: JSX.Element) => {
  const root = document.createElement('div');
  document.body.append(root);
  render(el, root);
  return root;
};

describe('ErrorBox', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('offers onReload on a conflict only, and onRetry on other errors', () => {
    setLang('en');
    const reload = vi.fn();
    const conflict = box(<ErrorBox error={new ApiError({ status: 409 })} onReload={reload} />);
    const button = conflict.querySelector('button');
    expect(button?.textContent).toBe('Reload');
    button?.click();
    expect(reload).toHaveBeenCalledOnce();

    // A refused save is fixed in the form: no reload.
    expect(box(<ErrorBox error={new ApiError({ status: 422, detail: 'bad' })} onReload={reload} />).querySelector('button')).toBeNull();

    const retry = vi.fn();
    const net = box(<ErrorBox error={new ApiError({ status: 0 })} onRetry={retry} onReload={reload} />);
    expect(net.querySelector('button')?.textContent).toBe('Try again');
    net.querySelector('button')?.click();
    expect(retry).toHaveBeenCalledOnce();
    expect(reload).toHaveBeenCalledOnce();
    setLang('es');
  });
});

describe('ListError', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('is a calm note without signal and the error box otherwise', () => {
    setLang('es');
    const off = box(<ListError error={new ApiError({ status: 0, title: 'network', detail: '' })} onRetry={() => undefined} />);
    expect(off.querySelector('[data-testid="offline-note"]')?.textContent).toBe('Sin conexión: esta lista se mostrará al volver la señal.');
    expect(off.querySelector('[role="alert"]')).toBeNull();
    const bad = box(<ListError error={new ApiError({ status: 500, title: 'x', detail: '' })} />);
    expect(bad.querySelector('[data-testid="error"]')).not.toBeNull();
  });
});

describe('LoadMore', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('tells a failed "load more" by the rows it was to follow, and retries that page', () => {
    setLang('en');
    const more = vi.fn(async () => undefined);
    const retry = vi.fn();
    const base = { hasMore: true, ended: false, added: 0, loading: false, more, retry, items: [1, 2] };
    const ok = box(<LoadMore list={{ ...base, error: null }} testid="m" />);
    expect(ok.querySelector('[data-testid="m"]')?.textContent).toBe('Load more');

    // While the page loads the button stays (focus stays on it), busy, and a tap asks nothing.
    const busy = box(<LoadMore list={{ ...base, loading: true, error: null }} testid="b" />).querySelector<HTMLButtonElement>('[data-testid="b"]');
    expect(busy?.getAttribute('aria-busy')).toBe('true');
    expect(busy?.getAttribute('aria-disabled')).toBe('true');
    expect(busy?.textContent).toBe('Loading…');
    busy?.click();
    expect(more).not.toHaveBeenCalled();
    ok.querySelector<HTMLButtonElement>('[data-testid="m"]')?.click();
    expect(more).toHaveBeenCalledOnce();
    more.mockClear();

    const failed = box(<LoadMore list={{ ...base, error: new ApiError({ status: 0 }) }} testid="f" />);
    expect(failed.querySelector('[data-testid="f"]')).toBeNull();
    const button = failed.querySelector('button');
    expect(button?.textContent).toBe('Try again');
    button?.click();
    expect(retry).toHaveBeenCalledOnce();
    expect(more).not.toHaveBeenCalled();

    // A first page that failed is told at the list's head, not here.
    const first = box(<LoadMore list={{ ...base, items: [], error: new ApiError({ status: 0 }) }} />);
    expect(first.querySelector('button, [role="alert"]')).toBeNull();
    expect(first.textContent).toBe('');
    setLang('es');
  });
});

describe('LoadMore focus', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    setLang('es');
  });

  type List = Parameters<typeof LoadMore>[0]['list'];
  const base: List = { hasMore: true, ended: false, added: 0, loading: false, more: async () => undefined, retry: () => undefined, items: [1, 2], error: null };
  // page renders a list's "load more" below a filter field, again on the same root each call,
  // as a page re-renders when its list changes.
  const page = () => {
    const root = document.createElement('div');
    document.body.append(root);
    const show = (list: Partial<List>) => render(<><input data-testid="filter" /><LoadMore list={{ ...base, ...list }} testid="more" /></>, root);
    const get = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    return {
      show,
      get,
      retry: () => root.querySelector<HTMLButtonElement>('[role="alert"] button'),
      // press is Enter on "load more": focus on it, and its page loading.
      press: () => {
        show({});
        get('more')?.focus();
        show({ loading: true });
      },
    };
  };

  it('moves from "load more" to the list\'s end, said politely, when the last page came', () => {
    setLang('es');
    const p = page();
    p.press();
    expect(document.activeElement).toBe(p.get('more'));
    p.show({ hasMore: false, ended: true, items: [1, 2, 3] });
    const end = p.get('list-end');
    expect(end?.textContent).toBe('No hay más resultados.');
    expect(end?.getAttribute('role')).toBe('status');
    expect(document.activeElement).toBe(end);
  });

  it('says politely how many rows each page brought, and again for the same count', () => {
    setLang('es');
    const p = page();
    const said = () => p.get('list-added');
    p.show({});
    expect(said()?.getAttribute('role')).toBe('status');
    expect(said()?.textContent).toBe('');
    p.show({ loading: true });
    p.show({ items: [1, 2, 3, 4], added: 2 });
    expect(said()?.textContent).toBe('Se cargaron 2 más.');
    p.show({ items: [1, 2, 3, 4], added: 2, loading: true });
    expect(said()?.textContent).toBe('');
    p.show({ items: [1, 2, 3, 4, 5], added: 1, hasMore: false, ended: true });
    expect(said()?.textContent).toBe('Se cargó 1 más.');
  });

  it('moves to "try again" when the page failed, to the busy button while it is asked again, and stays there', () => {
    setLang('en');
    const p = page();
    p.press();
    p.show({ error: new ApiError({ status: 0 }) });
    expect(p.get('more')).toBeNull();
    expect(p.retry()?.textContent).toBe('Try again');
    expect(document.activeElement).toBe(p.retry());
    p.show({ loading: true });
    expect(document.activeElement).toBe(p.get('more'));
    expect(p.get('more')?.textContent).toBe('Loading…');
    p.show({ items: [1, 2, 3] });
    expect(document.activeElement).toBe(p.get('more'));
    expect(p.get('more')?.textContent).toBe('Load more');
    // Failing again lands on "try again" again; the retry that brings the last page, on the end.
    p.show({ error: new ApiError({ status: 0 }) });
    expect(document.activeElement).toBe(p.retry());
    p.show({ loading: true });
    p.show({ hasMore: false, ended: true, items: [1, 2, 3, 4] });
    expect(document.activeElement).toBe(p.get('list-end'));
  });

  it('takes no focus on a first load, a new filter or a "load more" the person has left', () => {
    const p = page();
    // First load with focus nowhere: the button appears, focus stays on the page.
    p.show({ items: [], loading: true });
    p.show({});
    expect(document.activeElement).toBe(document.body);
    // A new filter typed while the list is at its end: no end is said for the new list, and
    // focus stays in the filter.
    p.press();
    p.show({ hasMore: false, ended: true, items: [1, 2, 3] });
    p.get('filter')?.focus();
    p.show({ hasMore: false, ended: true, loading: true, items: [1, 2, 3] });
    p.show({ hasMore: false, ended: false, items: [7] });
    expect(p.get('list-end')).toBeNull();
    expect(document.activeElement).toBe(p.get('filter'));
    // Gone to the filter while a page loads: its end or its failure does not take focus back.
    p.press();
    p.get('filter')?.focus();
    p.show({ error: new ApiError({ status: 0 }) });
    expect(document.activeElement).toBe(p.get('filter'));
    p.show({ hasMore: false, ended: true });
    expect(document.activeElement).toBe(p.get('filter'));
  });
});

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
    const base = { hasMore: true, loading: false, more, retry, items: [1, 2] };
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
    expect(box(<LoadMore list={{ ...base, items: [], error: new ApiError({ status: 0 }) }} />).innerHTML).toBe('');
    setLang('es');
  });
});

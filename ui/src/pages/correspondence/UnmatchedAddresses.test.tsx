import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endpoints, type Page, type UnmatchedAddress } from '../../api';
import { setLang } from '../../i18n';
import { UnmatchedAddresses } from './UnmatchedAddresses';

const row = (address: string, count: number): UnmatchedAddress => ({ address, name: '', count, last_at: '2026-11-20T15:00:00Z' });

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('UnmatchedAddresses', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.innerHTML = '';
    setLang('es');
  });

  it('shows the first page and appends the next one from its cursor', async () => {
    setLang('en');
    const pages: Record<string, Page<UnmatchedAddress>> = {
      first: { items: [row('a@ext.org', 3), row('b@ext.org', 2)], next_cursor: 'c1' },
      c1: { items: [row('c@ext.org', 1)] },
    };
    const get = vi.spyOn(endpoints, 'unmatchedAddresses').mockImplementation(async (q) => pages[(q?.cursor as string | undefined) ?? 'first']);
    const root = document.createElement('div');
    document.body.append(root);
    render(<UnmatchedAddresses />, root);

    const rows = () => [...root.querySelectorAll('[data-testid="address-row"]')].map((r) => r.getAttribute('data-address'));
    const more = () => root.querySelector<HTMLButtonElement>('[data-testid="addresses-more"]');
    await until(() => rows().length === 2 && !!more());
    expect(more()?.textContent).toBe('Load more');
    expect(get).toHaveBeenLastCalledWith({ cursor: undefined, limit: 50 });

    more()?.click();
    await until(() => rows().length === 3);
    expect(rows()).toEqual(['a@ext.org', 'b@ext.org', 'c@ext.org']);
    expect(get).toHaveBeenLastCalledWith({ cursor: 'c1', limit: 50 });
    // The last page has no cursor: nothing more to load.
    expect(more()).toBeNull();
  });
});

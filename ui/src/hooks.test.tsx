import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { usePaged } from './hooks';

type Page = { items: number[]; next_cursor?: string };
type List = ReturnType<typeof usePaged<number>>;

// mount renders a component holding usePaged(fn) and hands back its latest state.
function mount(fn: (cursor?: string) => Promise<Page>) {
  const state: { list?: List } = {};
  function Probe() {
    state.list = usePaged(fn, []);
    return null;
  }
  const root = document.createElement('div');
  document.body.append(root);
  act(() => render(<Probe />, root));
  return state;
}

const settle = () => act(async () => { await new Promise((r) => setTimeout(r, 0)); });

describe('usePaged', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('asks a failed "load more" again on retry and keeps the pages already shown', async () => {
    const calls: (string | undefined)[] = [];
    let offline = false;
    const pages: Record<string, Page> = { first: { items: [1, 2], next_cursor: 'c2' }, c2: { items: [3, 4], next_cursor: 'c3' }, c3: { items: [5] } };
    const s = mount(async (cursor) => {
      calls.push(cursor);
      if (cursor && offline) throw new Error('offline');
      return pages[cursor ?? 'first'];
    });
    await settle();
    expect(s.list?.items).toEqual([1, 2]);

    offline = true;
    await act(() => s.list!.more());
    expect(s.list?.error).toBeTruthy();
    expect(s.list?.items).toEqual([1, 2]);

    offline = false;
    act(() => s.list!.retry());
    await settle();
    expect(s.list?.error).toBeNull();
    expect(s.list?.items).toEqual([1, 2, 3, 4]);
    // The retry fetched the failed page, not the first one again.
    expect(calls).toEqual([undefined, 'c2', 'c2']);

    await act(() => s.list!.more());
    expect(s.list?.items).toEqual([1, 2, 3, 4, 5]);
    expect(s.list?.hasMore).toBe(false);
  });

  it('is ended only once a "load more" brought the last page, and counts what it brought, until the list loads again', async () => {
    let pages: Record<string, Page> = { first: { items: [1], next_cursor: 'c2' }, c2: { items: [2] } };
    let offline = false;
    const s = mount(async (cursor) => {
      if (cursor && offline) throw new Error('offline');
      return pages[cursor ?? 'first'];
    });
    await settle();
    expect(s.list?.ended).toBe(false);
    expect(s.list?.added).toBe(0);
    offline = true;
    await act(() => s.list!.more());
    expect(s.list?.ended).toBe(false);
    offline = false;
    await act(() => s.list!.more());
    expect(s.list?.hasMore).toBe(false);
    expect(s.list?.ended).toBe(true);
    expect(s.list?.added).toBe(1);

    // A list that fits in its first page has no end to tell.
    pages = { first: { items: [9] } };
    act(() => s.list!.reload());
    await settle();
    expect(s.list?.items).toEqual([9]);
    expect(s.list?.ended).toBe(false);
    expect(s.list?.added).toBe(0);
  });

  it('tells a "load more" under way from a first load or a reload', async () => {
    const waiting: ((p: Page) => void)[] = [];
    const s = mount(() => new Promise<Page>((r) => waiting.push(r)));
    const answer = (p: Page) => act(async () => { waiting.shift()!(p); await new Promise((r) => setTimeout(r, 0)); });
    expect(s.list?.loading).toBe(true);
    expect(s.list?.loadingMore).toBe(false);
    await answer({ items: [1], next_cursor: 'c2' });
    expect(s.list?.loading).toBe(false);

    let asked!: Promise<void>;
    act(() => { asked = s.list!.more(); });
    expect(s.list?.loading).toBe(true);
    expect(s.list?.loadingMore).toBe(true);
    await answer({ items: [2], next_cursor: 'c3' });
    await act(() => asked);
    expect(s.list?.loadingMore).toBe(false);

    // A reload while a "load more" waits: what loads now is the list from its start.
    act(() => { void s.list!.more(); });
    expect(s.list?.loadingMore).toBe(true);
    act(() => s.list!.reload());
    expect(s.list?.loading).toBe(true);
    expect(s.list?.loadingMore).toBe(false);
    await answer({ items: [9], next_cursor: 'late' });
    await answer({ items: [1], next_cursor: 'c2' });
    expect(s.list?.items).toEqual([1]);
    expect(s.list?.loading).toBe(false);
  });

  it('reloads the list on retry when the first page failed', async () => {
    let fail = true;
    const calls: (string | undefined)[] = [];
    const s = mount(async (cursor) => {
      calls.push(cursor);
      if (fail) throw new Error('offline');
      return { items: [7], next_cursor: 'n' };
    });
    await settle();
    expect(s.list?.error).toBeTruthy();
    expect(s.list?.items).toEqual([]);
    expect(s.list?.hasMore).toBe(false);
    fail = false;
    act(() => s.list!.retry());
    await settle();
    expect(s.list?.error).toBeNull();
    expect(s.list?.items).toEqual([7]);
    expect(calls).toEqual([undefined, undefined]);
  });

  it('drops the cursor of the list shown before when its reload fails', async () => {
    let fail = false;
    const s = mount(async () => {
      if (fail) throw new Error('offline');
      return { items: [1], next_cursor: 'old' };
    });
    await settle();
    expect(s.list?.hasMore).toBe(true);
    fail = true;
    act(() => s.list!.reload());
    await settle();
    expect(s.list?.error).toBeTruthy();
    expect(s.list?.items).toEqual([]);
    expect(s.list?.hasMore).toBe(false);
  });
});

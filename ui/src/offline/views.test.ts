import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { useMemoryStore } from './db';
import { clearViews, readThrough } from './views';

const offline = (): Promise<{ items: number[] }> => Promise.reject(new ApiError({ status: 0, title: 'network', detail: 'Failed to fetch' }));

describe('lists kept on the device', () => {
  beforeEach(() => useMemoryStore());

  it('answer the last copy with its age when there is no signal, per user', async () => {
    expect(await readThrough('u1', 'home-meetings', async () => ({ items: [1, 2] }))).toEqual({ items: [1, 2] });
    await new Promise((r) => setTimeout(r, 0)); // the copy is kept in the background
    const kept = await readThrough('u1', 'home-meetings', offline);
    expect(kept.items).toEqual([1, 2]);
    expect(Date.now() - Date.parse(kept.savedAt!)).toBeLessThan(5000);
    await expect(readThrough('u2', 'home-meetings', offline)).rejects.toThrow(); // another user's copy is never read
    await clearViews('u1');
    await expect(readThrough('u1', 'home-meetings', offline)).rejects.toThrow();
  });

  it('never hide an answer of the server behind the copy', async () => {
    await readThrough('u1', 'x', async () => ({ items: [1] }));
    await new Promise((r) => setTimeout(r, 0));
    const forbidden = (): Promise<{ items: number[] }> => Promise.reject(new ApiError({ status: 403, title: 'Forbidden', detail: '' }));
    await expect(readThrough('u1', 'x', forbidden)).rejects.toMatchObject({ status: 403 });
  });
});

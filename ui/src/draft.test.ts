import { beforeEach, describe, expect, it } from 'vitest';
import { draftStore, isBlank, type StorageLike } from './draft';

function memory(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

interface D {
  summary: string;
  participants: string[];
  extra?: string;
}
const empty = (): D => ({ summary: '', participants: [], extra: 'default' });

describe('draftStore', () => {
  let s: ReturnType<typeof memory>;
  beforeEach(() => {
    s = memory();
  });

  it('saves and loads a draft (survives a reload: a new store on the same storage)', () => {
    draftStore<D>('k', 1, empty, s).save({ summary: 'hola', participants: ['a'] });
    const again = draftStore<D>('k', 1, empty, s);
    expect(again.load()).toEqual({ summary: 'hola', participants: ['a'], extra: 'default' });
    expect(again.savedAt()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('returns null when nothing was kept', () => {
    expect(draftStore<D>('k', 1, empty, s).load()).toBeNull();
  });

  it('clears the draft after a successful save', () => {
    const d = draftStore<D>('k', 1, empty, s);
    d.save({ summary: 'x', participants: [] });
    d.clear();
    expect(d.load()).toBeNull();
    expect(s.data.size).toBe(0);
  });

  it('drops corrupted or other-version drafts', () => {
    s.setItem('k', '{not json');
    expect(draftStore<D>('k', 1, empty, s).load()).toBeNull();
    expect(s.data.has('k')).toBe(false);
    draftStore<D>('k', 1, empty, s).save({ summary: 'old', participants: [] });
    expect(draftStore<D>('k', 2, empty, s).load()).toBeNull();
    s.setItem('k', JSON.stringify({ v: 1, data: null }));
    expect(draftStore<D>('k', 1, empty, s).load()).toBeNull();
  });

  it('keeps drafts of different users apart', () => {
    draftStore<D>('draft.u1', 1, empty, s).save({ summary: 'u1', participants: [] });
    expect(draftStore<D>('draft.u2', 1, empty, s).load()).toBeNull();
  });

  it('keeps working when storage throws (quota, private mode)', () => {
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const d = draftStore<D>('k', 1, empty, broken);
    expect(() => d.save({ summary: 'x', participants: [] })).not.toThrow();
    expect(d.load()).toBeNull();
    expect(() => d.clear()).not.toThrow();
    expect(draftStore<D>('k', 1, empty, null).load()).toBeNull();
  });

  it('uses window.localStorage by default', () => {
    localStorage.clear();
    draftStore<D>('alianza.test', 1, empty).save({ summary: 'ls', participants: [] });
    expect(localStorage.getItem('alianza.test')).toContain('"ls"');
    localStorage.clear();
  });
});

describe('isBlank', () => {
  it('compares with the empty form', () => {
    expect(isBlank(empty(), empty())).toBe(true);
    expect(isBlank({ ...empty(), summary: 'a' }, empty())).toBe(false);
  });
});

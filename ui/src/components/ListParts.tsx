// The parts every filtered list page shares: the filter bar, the region
// filter and the states of a paged list (error, first load, nothing found).
import type { ComponentChildren } from 'preact';
import { Select } from './Field';
import { Empty, ListError, Loading } from './States';
import { t } from '../i18n';
import { useQuery } from '../router';
import { myRegions, useSession } from '../session';

/** FilterBar holds a list's filters: a search landmark whose fields apply as they change, so it never submits. */
export function FilterBar({ children }: { children: ComponentChildren }) {
  return (
    <form class="filters card" role="search" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

/** FlagFilter is a filter that is on or off, kept in the address as name=true (absent when off). */
export function FlagFilter({ name, label, testid }: { name: string; label: string; testid?: string }) {
  const [q, setQuery] = useQuery();
  return (
    <label class={`check c-${name}`}>
      <input type="checkbox" checked={q[name] === 'true'} onChange={(e) => setQuery({ [name]: e.currentTarget.checked ? 'true' : undefined })} data-testid={testid} />
      {label}
    </label>
  );
}

/** RegionFilter picks one of the signed-in user's regions, or any. */
export function RegionFilter({ id, value, onValue }: { id: string; value?: string; onValue: (v: string) => void }) {
  const { user, regions } = useSession();
  return <Select id={id} label={t('common.region')} value={value ?? ''} blank={t('common.any')} options={myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }))} onValue={onValue} />;
}

/** PagedStates says why a paged list shows no rows: its error, its first load, or empty. */
export function PagedStates({ list, empty }: { list: { error: unknown; loading: boolean; items: unknown[]; retry: () => void }; empty: ComponentChildren }) {
  return (
    <>
      <ListError error={list.items.length === 0 ? list.error : null} onRetry={list.retry} />
      {list.loading && list.items.length === 0 && <Loading />}
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{empty}</Empty>}
    </>
  );
}

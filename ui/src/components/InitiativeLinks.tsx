// The initiatives a meeting discussed or a commitment is about, as links to their pages.
// Records carry only the ids: the titles are read (each once) from the server.
import { endpoints, type Initiative } from '../api';
import { useAsync } from '../hooks';
import { Link } from '../router';
import { initiativeLabel } from './InitiativePicker';

export function useInitiatives(ids: string[]) {
  return useAsync(async () => (await Promise.all(ids.map((id) => endpoints.initiative(id).catch(() => null)))).filter((x): x is Initiative => !!x), [ids.join(',')]);
}

/** InitiativeLinks lists the initiatives by title (a link each); nothing while none is known. */
export function InitiativeLinks({ ids, testid = 'initiative-link' }: { ids: string[]; testid?: string }) {
  const r = useInitiatives(ids);
  if (!r.data?.length) return null;
  return (
    <ul class="plain-list">
      {r.data.map((x) => (
        <li key={x.id}>
          <Link href={`/initiatives/${x.id}`} data-testid={testid}>
            {initiativeLabel(x)}
          </Link>
        </li>
      ))}
    </ul>
  );
}

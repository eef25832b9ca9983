// Results of the header search across stakeholders, initiatives, meetings, commitments and messages.
import type { ComponentChildren } from 'preact';
import { endpoints } from '../api';
import { initiativeLabel } from '../components/InitiativePicker';
import { Badge } from '../components/Badge';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDateTime } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, useQuery } from '../router';
import { Section } from '../components/Section';

export function Search() {
  const [q] = useQuery();
  const term = (q.q ?? '').trim();
  useTitle(t('search.title'));
  const r = useAsync(() => (term ? endpoints.search(term) : Promise.resolve(null)), [term]);
  const d = r.data;
  const total = d ? d.stakeholders.length + d.meetings.length + d.commitments.length + d.messages.length + (d.initiatives?.length ?? 0) : 0;
  return (
    <section data-testid="search-results">
      <h1>{t('search.results_for', { q: term })}</h1>
      {r.loading && <Loading />}
      <ErrorBox error={r.error} onRetry={r.reload} />
      {!r.loading && !r.error && total === 0 && <Empty>{term ? t('search.none') : t('search.type_something')}</Empty>}
      {d && total > 0 && (
        <div class="grid">
          <Hits id="s-sh" title={t('nav.stakeholders')} items={d.stakeholders}>
            {(s) => (
              <>
                <Link href={`/stakeholders/${s.id}`}>{s.name}</Link> <span class="small muted">{te('kind', s.kind)}</span>
              </>
            )}
          </Hits>
          <Hits id="s-in" title={t('nav.initiatives')} items={d.initiatives ?? []}>
            {(x) => (
              <>
                <Link href={`/initiatives/${x.id}`} data-testid="search-initiative">
                  {initiativeLabel(x)}
                </Link>
              </>
            )}
          </Hits>
          <Hits id="s-m" title={t('search.meetings')} items={d.meetings}>
            {(m) => (
              <>
                <Link href={`/meetings/${m.id}`}>{formatDateTime(m.starts_at)}</Link>
                <div class="small muted">{m.summary}</div>
              </>
            )}
          </Hits>
          <Hits id="s-c" title={t('nav.commitments')} items={d.commitments}>
            {(c) => (
              <>
                <Link href={`/commitments/${c.id}`}>{c.text}</Link> <Badge group="status" value={c.status} />
              </>
            )}
          </Hits>
          <Hits id="s-msg" title={t('nav.correspondence')} items={d.messages}>
            {(m) => (
              <>
                <Link href={`/correspondence?id=${m.id}`}>{m.subject || t('mail.no_subject')}</Link>
                <div class="small muted">{formatDateTime(m.date)}</div>
              </>
            )}
          </Hits>
        </div>
      )}
    </section>
  );
}

/** Hits is one kind of search result as a card; nothing when there are none. */
function Hits<T extends { id: string }>({ id, title, items, children }: { id: string; title: string; items: T[]; children: (item: T) => ComponentChildren }) {
  if (items.length === 0) return null;
  return (
    <Section id={id} title={title}>
      <ul class="plain-list">
        {items.map((x) => (
          <li key={x.id}>{children(x)}</li>
        ))}
      </ul>
    </Section>
  );
}

// Results of the header search across stakeholders, meetings, commitments and messages.
import { endpoints } from '../api';
import { Badge } from '../components/Badge';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDateTime } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, useQuery } from '../router';

export function Search() {
  const [q] = useQuery();
  const term = (q.q ?? '').trim();
  useTitle(t('search.title'));
  const r = useAsync(() => (term ? endpoints.search(term) : Promise.resolve(null)), [term]);
  const d = r.data;
  const total = d ? d.stakeholders.length + d.meetings.length + d.commitments.length + d.messages.length : 0;
  return (
    <section data-testid="search-results">
      <h1>{t('search.results_for', { q: term })}</h1>
      {r.loading && <Loading />}
      <ErrorBox error={r.error} onRetry={r.reload} />
      {!r.loading && !r.error && total === 0 && <Empty>{term ? t('search.none') : t('search.type_something')}</Empty>}
      {d && total > 0 && (
        <div class="grid">
          {d.stakeholders.length > 0 && (
            <section class="card" aria-labelledby="s-sh">
              <h2 id="s-sh">{t('nav.stakeholders')}</h2>
              <ul class="plain-list">
                {d.stakeholders.map((s) => (
                  <li key={s.id}>
                    <Link href={`/stakeholders/${s.id}`}>{s.name}</Link> <span class="small muted">{te('kind', s.kind)}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {d.meetings.length > 0 && (
            <section class="card" aria-labelledby="s-m">
              <h2 id="s-m">{t('search.meetings')}</h2>
              <ul class="plain-list">
                {d.meetings.map((m) => (
                  <li key={m.id}>
                    <Link href={`/meetings/${m.id}`}>{formatDateTime(m.starts_at)}</Link>
                    <div class="small muted">{m.summary}</div>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {d.commitments.length > 0 && (
            <section class="card" aria-labelledby="s-c">
              <h2 id="s-c">{t('nav.commitments')}</h2>
              <ul class="plain-list">
                {d.commitments.map((c) => (
                  <li key={c.id}>
                    <Link href={`/commitments/${c.id}`}>{c.text}</Link> <Badge group="status" value={c.status} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          {d.messages.length > 0 && (
            <section class="card" aria-labelledby="s-msg">
              <h2 id="s-msg">{t('nav.correspondence')}</h2>
              <ul class="plain-list">
                {d.messages.map((m) => (
                  <li key={m.id}>
                    <Link href={`/correspondence?id=${m.id}`}>{m.subject || t('mail.no_subject')}</Link>
                    <div class="small muted">{formatDateTime(m.date)}</div>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}
    </section>
  );
}

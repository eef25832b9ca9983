// Stakeholders: filters (kind, region, stance, tag) and search, kept in the URL.
import { endpoints } from '../api';
import { Badge } from '../components/Badge';
import { enumOptions, Select, TextInput } from '../components/Field';
import { Empty, ErrorBox, Loading, LoadMore } from '../components/States';
import { FilterBar, RegionFilter } from '../components/ListParts';
import { usePaged, useSearchText, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, useQuery } from '../router';
import { canEdit, regionName, useSession } from '../session';
import { Table } from '../components/Table';
import { PageHead } from '../components/Section';

export function StakeholderList() {
  useTitle(t('nav.stakeholders'));
  const { user, regions, enums } = useSession();
  const [q, setQuery] = useQuery();
  const [text, setText] = useSearchText();
  const filters = { kind: q.kind, region: q.region, stance: q.stance, tag: q.tag, q: q.q, archived: q.archived };
  const list = usePaged((cursor) => endpoints.stakeholders({ ...filters, cursor, limit: 50 }), [JSON.stringify(filters)]);

  return (
    <section>
      <PageHead title={t('nav.stakeholders')}>
        {canEdit(user) && (
          <Link href="/stakeholders/new" class="btn btn-primary" data-testid="new-stakeholder">
            {t('stakeholder.new')}
          </Link>
        )}
      </PageHead>
      <FilterBar>
        <TextInput id="sh-q" type="search" label={t('common.search')} value={text} onValue={setText} />
        <Select id="sh-kind" label={t('stakeholder.kind')} value={q.kind ?? ''} blank={t('common.any')} options={enumOptions('kind', enums.stakeholder_kinds)} onValue={(v) => setQuery({ kind: v })} />
        <RegionFilter id="sh-region" value={q.region} onValue={(v) => setQuery({ region: v })} />
        <Select id="sh-stance" label={t('stakeholder.stance')} value={q.stance ?? ''} blank={t('common.any')} options={enumOptions('stance', enums.stances)} onValue={(v) => setQuery({ stance: v })} />
        <TextInput id="sh-tag" label={t('stakeholder.tag')} value={q.tag ?? ''} onValue={(v) => setQuery({ tag: v })} />
      </FilterBar>
      <ErrorBox error={list.items.length === 0 ? list.error : null} onRetry={list.retry} />
      {!list.error && list.items.length === 0 && !list.loading && <Empty>{t('stakeholder.none')}</Empty>}
      {list.items.length > 0 && (
        <Table columns={[t('stakeholder.name'), t('stakeholder.kind'), t('common.regions'), t('stakeholder.stance'), { label: t('stakeholder.tags'), class: 'hide-narrow' }]} testid="stakeholder-table" caption={t('nav.stakeholders')} captionClass="sr-only">
          {list.items.map((s) => (
            <tr key={s.id} data-testid="stakeholder-row">
              <td>
                <Link href={`/stakeholders/${s.id}`}>{s.name}</Link>
                {s.archived && <span class="muted small"> ({t('stakeholder.archived')})</span>}
              </td>
              <td>{te('kind', s.kind)}</td>
              <td>{s.regions.map((r) => regionName(r, regions)).join(', ')}</td>
              <td>
                <Badge group="stance" value={s.stance} />
              </td>
              <td class="hide-narrow">{s.tags.join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
      {list.loading && !list.loadingMore && <Loading />}
      <LoadMore list={list} />
    </section>
  );
}

// Commitments: a table and a region-by-status board; filters live in the URL so views can be shared.
import { endpoints, type Commitment, type Region } from '../api';
import { Badge, OverdueTag } from '../components/Badge';
import { CsvButton } from '../components/CsvButton';
import { enumOptions, Select } from '../components/Field';
import { LoadMore } from '../components/States';
import { FilterBar, FlagFilter, PagedStates, RegionFilter } from '../components/ListParts';
import { formatDay } from '../format';
import { usePaged, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, useQuery } from '../router';
import { regionName, useSession } from '../session';
import './Commitments.css';
import { Table } from '../components/Table';
import { useView, ViewSwitch } from '../components/ViewSwitch';
import { PageHead } from '../components/Section';

export function Commitments() {
  useTitle(t('nav.commitments'));
  const { regions, enums } = useSession();
  const [q, setQuery] = useQuery();
  const [view, switches] = useView([
    ['table', t('commitment.view_table')],
    ['board', t('commitment.view_board')],
  ]);
  const filters = { region: q.region, status: q.status, overdue: q.overdue === 'true' ? 'true' : undefined, stakeholder_kind: q.stakeholder_kind, stakeholder_id: q.stakeholder_id };
  const list = usePaged((cursor) => endpoints.commitments({ ...filters, cursor, limit: 200 }), [JSON.stringify(filters)]);
  return (
    <section>
      <PageHead title={t('nav.commitments')}>
        <ViewSwitch label={t('commitment.view')} current={view} options={switches}>
          <CsvButton path="/commitments" query={filters} name="commitments" />
        </ViewSwitch>
      </PageHead>
      <FilterBar>
        <RegionFilter id="c-region" value={q.region} onValue={(v) => setQuery({ region: v })} />
        <Select id="c-status" label={t('commitment.status')} value={q.status ?? ''} blank={t('common.any')} options={enumOptions('status', enums.commitment_statuses)} onValue={(v) => setQuery({ status: v })} />
        <Select id="c-kind" label={t('commitment.stakeholder_kind')} value={q.stakeholder_kind ?? ''} blank={t('common.any')} options={enumOptions('kind', enums.stakeholder_kinds)} onValue={(v) => setQuery({ stakeholder_kind: v })} />
        <FlagFilter name="overdue" label={t('commitment.only_overdue')} testid="filter-overdue" />
      </FilterBar>
      <PagedStates list={list} empty={t('commitment.none')} />
      {list.items.length > 0 && (view === 'board' ? <Board items={list.items} statuses={enums.commitment_statuses} only={q.region} regions={regions} /> : <CommitmentTable items={list.items} regions={regions} />)}
      <LoadMore list={list} />
    </section>
  );
}

function CommitmentTable({ items, regions }: { items: Commitment[]; regions: Region[] }) {
  return (
    <Table columns={[t('commitment.text'), { label: t('commitment.stakeholder'), class: 'hide-narrow' }, { label: t('common.region'), class: 'hide-narrow' }, { label: t('commitment.type'), class: 'hide-narrow' }, t('commitment.due_on'), t('commitment.status')]} class="c-table" testid="commitment-table" caption={t('nav.commitments')} captionClass="sr-only">
      {items.map((c) => (
        <tr key={c.id} class={c.overdue ? 'row-overdue' : ''} data-testid="commitment-row" data-id={c.id}>
          <td>
            <Link href={`/commitments/${c.id}`}>{c.text}</Link>
            <div class="show-narrow small muted">{c.stakeholder_name}</div>
          </td>
          <td class="hide-narrow">
            <Link href={`/stakeholders/${c.stakeholder_id}`}>{c.stakeholder_name}</Link>
          </td>
          <td class="hide-narrow">{regionName(c.region, regions)}</td>
          <td class="hide-narrow">{te('ctype', c.type)}</td>
          <td>
            {formatDay(c.due_on)} {c.overdue && <OverdueTag />}
          </td>
          <td>
            <Badge group="status" value={c.status} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Board({ items, statuses, only, regions }: { items: Commitment[]; statuses: string[]; only?: string; regions: Region[] }) {
  const codes = only ? [only] : Array.from(new Set(items.map((c) => c.region))).sort();
  return (
    <div class="board" data-testid="board">
      {codes.map((code) => (
        <section key={code} class="board-region" aria-labelledby={`br-${code}`} data-testid={`board-region-${code}`}>
          <h2 id={`br-${code}`}>
            {regionName(code, regions)} <span class="muted small">({items.filter((c) => c.region === code).length})</span>
          </h2>
          <div class="board-cols">
            {statuses.map((st) => {
              const cell = items.filter((c) => c.region === code && c.status === st);
              return (
                <div key={st} class="board-cell" data-testid={`board-cell-${code}-${st}`} role="group" aria-label={`${regionName(code, regions)} · ${te('status', st)}`}>
                  <h3 class="board-cell-head">
                    {te('status', st)} <span class="muted">{cell.length}</span>
                  </h3>
                  <ul class="plain-list">
                    {cell.map((c) => (
                      <li key={c.id} class={`board-card${c.overdue ? ' board-card-overdue' : ''}`} data-testid="commitment-card" data-id={c.id} data-status={c.status}>
                        <Link href={`/commitments/${c.id}`}>{c.text}</Link>
                        <div class="small muted">
                          {c.stakeholder_name} · {formatDay(c.due_on)}
                        </div>
                        {c.overdue && <OverdueTag />}
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        </section>
      ))}
    </div>
  );
}

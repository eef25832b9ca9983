// Tasks: mine, or the team's in my regions (managers), with filters in the URL.
import { endpoints, type Query } from '../api';
import { OverdueTag } from '../components/Badge';
import { CsvButton } from '../components/CsvButton';
import { Select } from '../components/Field';
import { TaskLinks } from '../components/TaskLinks';
import { LoadMore, Notice } from '../components/States';
import { FilterBar, FlagFilter, PagedStates, RegionFilter } from '../components/ListParts';
import { formatDay } from '../format';
import { usePaged, useTitle } from '../hooks';
import { t } from '../i18n';
import { Link, useQuery } from '../router';
import { canManage, regionName, useSession } from '../session';
import { memberName, useTeam } from '../team';
import { Table } from '../components/Table';
import { ViewSwitch } from '../components/ViewSwitch';
import { PageHead } from '../components/Section';

export function Tasks() {
  useTitle(t('nav.tasks'));
  const { user, regions } = useSession();
  const team = useTeam();
  const [q, setQuery] = useQuery();
  // Managers start on the team's tasks, everyone else on their own.
  const scope = q.scope === 'team' || q.scope === 'mine' ? q.scope : canManage(user) ? 'team' : 'mine';
  const state = q.state === 'done' || q.state === 'all' ? q.state : 'open';
  const filters: Query = {
    mine: scope === 'mine' ? 'true' : undefined,
    assignee_id: scope === 'team' ? q.assignee_id : undefined,
    region: q.region,
    done: state === 'all' ? undefined : state === 'done' ? 'true' : 'false',
    overdue: q.overdue === 'true' ? 'true' : undefined,
  };
  const list = usePaged((cursor) => endpoints.tasks({ ...filters, cursor, limit: 100 }), [JSON.stringify(filters)]);
  const switches = [
    { value: 'mine', label: t('tasks.mine'), testid: 'tasks-mine', onPick: () => setQuery({ scope: 'mine', assignee_id: undefined }) },
    { value: 'team', label: t('tasks.team'), testid: 'tasks-team', onPick: () => setQuery({ scope: 'team' }) },
  ];
  return (
    <section>
      <PageHead title={t('nav.tasks')}>
        <ViewSwitch label={t('tasks.whose')} current={scope} options={switches}>
          <CsvButton path="/tasks" query={filters} name="tasks" />
        </ViewSwitch>
      </PageHead>
      {q.deleted && <Notice>{t('task.deleted')}</Notice>}
      <FilterBar>
        {scope === 'team' && <Select id="t-assignee" label={t('task.assignee')} value={q.assignee_id ?? ''} blank={t('common.any')} options={team.map((m) => ({ value: m.id, label: m.name }))} onValue={(v) => setQuery({ assignee_id: v })} />}
        <RegionFilter id="t-region" value={q.region} onValue={(v) => setQuery({ region: v })} />
        <Select
          id="t-state"
          label={t('tasks.state')}
          value={state}
          options={[
            { value: 'open', label: t('tasks.open') },
            { value: 'done', label: t('tasks.done') },
            { value: 'all', label: t('tasks.all') },
          ]}
          onValue={(v) => setQuery({ state: v === 'open' ? undefined : v })}
        />
        <FlagFilter name="overdue" label={t('tasks.only_overdue')} />
      </FilterBar>
      <PagedStates list={list} empty={t('tasks.none')} />
      {list.items.length > 0 && (
        <Table columns={[t('task.title'), t('task.due_on'), t('task.assignee'), { label: t('common.region'), class: 'hide-narrow' }]} testid="task-table" caption={t('nav.tasks')} captionClass="sr-only">
          {list.items.map((tk) => (
            <tr key={tk.id} class={tk.overdue ? 'row-overdue' : ''} data-testid="task-row" data-id={tk.id}>
              <td>
                <Link href={`/tasks/${tk.id}`} class={tk.done ? 'done' : ''}>
                  {tk.title}
                </Link>
                {tk.done && <span class="small muted"> · {t('tasks.done_one')}</span>}
                <div>
                  <TaskLinks task={tk} />
                </div>
              </td>
              <td>
                {formatDay(tk.due_on)} {tk.overdue && <OverdueTag />}
              </td>
              <td>{tk.assignee_name || memberName(team, tk.assignee_id) || '—'}</td>
              <td class="hide-narrow">{regionName(tk.region, regions)}</td>
            </tr>
          ))}
        </Table>
      )}
      <LoadMore list={list} />
    </section>
  );
}

export default Tasks;

// One task: where it came from, who has it; edit, mark done or delete it.
import { useState } from 'preact/hooks';
import { endpoints, type Task } from '../api';
import { OverdueTag } from '../components/Badge';
import { DeletePanel } from '../components/DeletePanel';
import { Select, TextArea, TextInput } from '../components/Field';
import { TaskLinks } from '../components/TaskLinks';
import { ErrorBox, Loading, Notice } from '../components/States';
import { useSave } from '../save';
import { formatDay } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { navigate } from '../router';
import { canEdit, canManage, regionName, useSession } from '../session';
import { memberName, teamOptions, useTeam } from '../team';
import { isDay, type Errors } from '../validation';
import { FormActions } from '../components/FormActions';
import { CardForm } from '../components/CardForm';
import { Section } from '../components/Section';
import { limit } from '../limits';

export function TaskDetail({ id }: { id: string }) {
  useTitle(t('task.one'));
  const { user, regions } = useSession();
  const team = useTeam();
  const tk = useAsync(() => endpoints.task(id), [id]);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (tk.loading && !tk.data) return <Loading />;
  if (tk.error && !tk.data) return <ErrorBox error={tk.error} onRetry={tk.reload} />;
  const x = tk.data!;
  const mayEdit = canEdit(user) && (canManage(user) || x.assignee_id === user?.id || x.created_by === user?.id);
  return (
    <article class="cd" data-testid="task-detail" data-id={x.id}>
      <div class="page-head">
        <div>
          <h1 class={x.done ? 'done' : ''}>{x.title}</h1>
          <p>
            {x.done ? t('tasks.done_one') : t('tasks.open_one')} {x.overdue && <OverdueTag />}
          </p>
        </div>
        {mayEdit && !editing && (
          <button type="button" class="btn" onClick={() => setEditing(true)} data-testid="edit-task">
            {t('common.edit')}
          </button>
        )}
      </div>
      {saved && <Notice>{t('task.saved')}</Notice>}
      {editing ? (
        <TaskEditForm
          task={x}
          onSaved={(n) => {
            tk.setData(n);
            setEditing(false);
            setSaved(true);
          }}
          onReload={tk.reload}
          onClose={() => setEditing(false)}
        />
      ) : (
        <Section id="td-facts" title={t('commitment.facts')}>
          <dl class="cd-dl">
            <dt>{t('task.due_on')}</dt>
            <dd>{formatDay(x.due_on) || '—'}</dd>
            <dt>{t('task.assignee')}</dt>
            <dd data-testid="task-assignee">{memberName(team, x.assignee_id) || '—'}</dd>
            <dt>{t('common.region')}</dt>
            <dd>{regionName(x.region, regions)}</dd>
            {x.notes && (
              <>
                <dt>{t('task.notes')}</dt>
                <dd class="md-text">{x.notes}</dd>
              </>
            )}
            <dt>{t('commitment.origin')}</dt>
            <dd>
              <TaskLinks task={x} />
            </dd>
          </dl>
        </Section>
      )}
      {mayEdit && (
        <DeletePanel
          label={t('common.delete')}
          question={t('task.delete_confirm')}
          onDelete={async () => {
            await endpoints.deleteTask(x.id);
            navigate('/tasks?deleted=1');
          }}
          testid="delete-task"
        />
      )}
    </article>
  );
}

function TaskEditForm({ task, onSaved, onReload, onClose }: { task: Task; onSaved: (t: Task) => void; onReload: () => void; onClose: () => void }) {
  const team = useTeam();
  const [v, setV] = useState({ title: task.title, due_on: task.due_on ?? '', assignee_id: task.assignee_id ?? '', notes: task.notes ?? '', done: task.done });
  const { errors, error, busy, run, reloadWith } = useSave();
  const submit = (e: Event) => {
    e.preventDefault();
    const errs: Errors = {};
    if (!v.title.trim()) errs.title = 'validation.required';
    if (v.due_on && !isDay(v.due_on)) errs.due_on = 'validation.date';
    const body: Partial<Task> & { version: number } = { title: v.title.trim(), due_on: v.due_on, notes: v.notes, done: v.done, version: task.version };
    if (v.assignee_id) body.assignee_id = v.assignee_id;
    void run(errs, async () => onSaved(await endpoints.updateTask(task.id, body)));
  };
  return (
    <CardForm id="te-title" title={t('task.edit')} testid="task-edit-form" onSubmit={submit} error={error} onReload={reloadWith(onReload, onClose)}>
      <TextInput id="te-title-input" label={t('task.title')} max={limit('task.title')} value={v.title} onValue={(x) => setV((o) => ({ ...o, title: x }))} error={errors.title} required />
      <div class="form-grid">
        <TextInput id="te-due" type="date" label={t('task.due_on')} value={v.due_on} onValue={(x) => setV((o) => ({ ...o, due_on: x }))} error={errors.due_on} />
        <Select id="te-assignee" label={t('task.assignee')} value={v.assignee_id} blank="—" options={teamOptions(team)} onValue={(x) => setV((o) => ({ ...o, assignee_id: x }))} error={errors.assignee_id} />
      </div>
      <TextArea id="te-notes" label={t('task.notes')} max={limit('task.notes')} value={v.notes} onValue={(x) => setV((o) => ({ ...o, notes: x }))} error={errors.notes} rows={3} />
      <label class="check">
        <input type="checkbox" checked={v.done} onChange={(e) => setV((o) => ({ ...o, done: e.currentTarget.checked }))} data-testid="te-done" />
        {t('task.mark_done')}
      </label>
      <FormActions busy={busy} testid="save-task-edit" onCancel={onClose} />
    </CardForm>
  );
}

export default TaskDetail;

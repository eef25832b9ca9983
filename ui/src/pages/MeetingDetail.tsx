// A meeting as recorded, with the commitments and tasks created from it.
import { api, endpoints, type Commitment, type Task } from '../api';
import { Badge, OverdueTag } from '../components/Badge';
import { MeetingExtras } from '../components/MeetingExtras';
import { InitiativeLinks } from '../components/InitiativeLinks';
import { ErrorBox, Loading, Notice } from '../components/States';
import { formatInstantDate, formatDateTime, formatDay } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t, te, tn } from '../i18n';
import { DeletePanel } from '../components/DeletePanel';
import { Link, navigate, useQuery } from '../router';
import { canEdit, canManage, regionName, useSession } from '../session';
import './MeetingDetail.css';
import { Section } from '../components/Section';

export function MeetingDetail({ id }: { id: string }) {
  const { user, regions } = useSession();
  const [q] = useQuery();
  const m = useAsync(() => endpoints.meeting(id), [id]);
  const related = useAsync(async () => {
    if (!m.data) return { commitments: [] as Commitment[], tasks: [] as Task[] };
    const [cs, ts] = await Promise.all([
      Promise.all(m.data.commitment_ids.map((c) => endpoints.commitment(c).catch(() => null))),
      Promise.all(m.data.task_ids.map((x) => api.get<Task>(`/tasks/${x}`).catch(() => null))),
    ]);
    return { commitments: cs.filter((x): x is Commitment => !!x), tasks: ts.filter((x): x is Task => !!x) };
  }, [m.data?.id]);
  // The tab and the heading say which meeting: its kind and day ("Capacitación del 3 dic 2026").
  const title = m.data ? t('meeting.title_of', { kind: te('meeting_kind', m.data.kind), day: formatInstantDate(m.data.starts_at) }) : t('meeting.title');
  useTitle(title);

  if (m.loading && !m.data) return <Loading />;
  if (m.error || !m.data) return <ErrorBox error={m.error} onRetry={m.reload} />;
  const x = m.data;
  return (
    <article class="meeting-detail" data-testid="meeting-detail" data-id={x.id}>
      {q.saved && <Notice>{t('meeting.saved')}</Notice>}
      {q.updated && <Notice>{t('meeting.updated')}</Notice>}
      <div class="page-head">
        <div>
          <h1>{title}</h1>
          <p class="muted">
            {formatDateTime(x.starts_at)} · {x.duration_min} min · {te('meeting_kind', x.kind)} · {regionName(x.region, regions)}
            {x.place && ` · ${x.place}`}
          </p>
        </div>
        {canEdit(user) && (canManage(user) || x.owner_id === user?.id || x.staff_ids.includes(user?.id ?? '')) && (
          <div class="row md-actions">
            <Link href={`/meetings/${x.id}/edit`} class="btn" data-testid="edit-meeting">
              {t('common.edit')}
            </Link>
            {(canManage(user) || x.owner_id === user?.id) && (
              <DeletePanel
                label={t('common.delete')}
                question={t('meeting.delete_confirm')}
                option={x.commitment_ids.length + x.task_ids.length > 0 ? t('meeting.delete_records', { c: tn('count.commitments', x.commitment_ids.length), t: tn('count.tasks', x.task_ids.length) }) : undefined}
                onDelete={async (withRecords) => {
                  await endpoints.deleteMeeting(x.id, withRecords);
                  navigate('/meetings?deleted=1');
                }}
                testid="delete-meeting"
              />
            )}
          </div>
        )}
      </div>
      <MeetingExtras m={x} />
      <div class="md-cols">
        <Section id="md-who" title={t('meeting.participants')}>
          <ul class="plain-list">
            {x.participants.map((p) => (
              <li key={p.stakeholder_id}>
                <Link href={`/stakeholders/${p.stakeholder_id}`}>{p.name}</Link>
                {p.role && <span class="muted"> · {p.role}</span>}
              </li>
            ))}
          </ul>
          {!!x.initiative_ids?.length && (
            <>
              <h3>{t('meeting.initiatives')}</h3>
              <InitiativeLinks ids={x.initiative_ids} testid="meeting-initiative-link" />
            </>
          )}
          {x.topics.length > 0 && (
            <>
              <h3>{t('meeting.topics')}</h3>
              <ul class="md-topics">
                {x.topics.map((tp) => (
                  <li key={tp}>{te('topic', tp)}</li>
                ))}
              </ul>
            </>
          )}
        </Section>
        <Section id="md-what" title={t('meeting.summary')}>
          <p class="md-text">{x.summary}</p>
          {x.agreements && (
            <>
              <h3>{t('meeting.agreements')}</h3>
              <p class="md-text">{x.agreements}</p>
            </>
          )}
          {x.next_steps && (
            <>
              <h3>{t('meeting.next_steps')}</h3>
              <p class="md-text">{x.next_steps}</p>
            </>
          )}
        </Section>
      </div>
      <Section id="md-commit" title={t('meeting.commitments')}>
        {related.loading && <Loading />}
        <ul class="plain-list">
          {(related.data?.commitments ?? []).map((c) => (
            <li key={c.id} data-testid="meeting-commitment" class={c.overdue ? 'is-overdue' : ''}>
              <Link href={`/commitments/${c.id}`}>{c.text}</Link>{' '}
              <span class="small muted">
                {c.stakeholder_name} · {t('common.due')} {formatDay(c.due_on)}
              </span>{' '}
              <Badge group="status" value={c.status} /> {c.overdue && <OverdueTag />}
            </li>
          ))}
        </ul>
        {!related.loading && !related.data?.commitments.length && <p class="muted">{t('meeting.no_commitments')}</p>}
      </Section>
      <Section id="md-tasks" title={t('meeting.tasks')}>
        <ul class="plain-list">
          {(related.data?.tasks ?? []).map((tk) => (
            <li key={tk.id} data-testid="meeting-task">
              <Link href={`/tasks/${tk.id}`}>{tk.title}</Link> <span class="small muted">· {t('common.due')} {formatDay(tk.due_on)}</span> {tk.done && <Badge group="common" value="done" />}
            </li>
          ))}
        </ul>
        {!related.loading && !related.data?.tasks.length && <p class="muted">{t('meeting.no_tasks')}</p>}
      </Section>
    </article>
  );
}

// One initiative: its facts, the stakeholders linked with their roles, the commitments and
// meetings about it, its stage history, and the stage change (date and note, with version).
// The page is kept on the device: without signal it shows as last seen, and a stage change
// waits in the outbox.
import { useState } from 'preact/hooks';
import { endpoints, type Initiative, type InitiativeMeta } from '../api';
import { Badge } from '../components/Badge';
import { CardForm } from '../components/CardForm';
import { DeletePanel } from '../components/DeletePanel';
import { Select, TextArea, TextInput } from '../components/Field';
import { SaveButton } from '../components/FormActions';
import { Section } from '../components/Section';
import { ErrorBox, KeptNote, Loading, Notice } from '../components/States';
import { formatDateTime, formatDay, todayInLima } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { kindName, options, roleName, stageName, stagesOf, useInitiativeMeta, validateStageChange } from '../initiatives';
import { saveStageChange } from '../offline/save';
import { initiativeView, readThrough } from '../offline/views';
import { Link, navigate, useQuery } from '../router';
import { useSave } from '../save';
import { canEdit, canManage, regionName, useSession } from '../session';
import { limit } from '../limits';
import './Initiatives.css';

export function InitiativeDetail({ id }: { id: string }) {
  const { user } = useSession();
  const [q] = useQuery();
  const { meta } = useInitiativeMeta();
  const uid = user?.id ?? '';
  const r = useAsync(() => readThrough(uid, initiativeView(id), () => endpoints.initiative(id)), [id]);
  useTitle(r.data?.title ?? t('initiative.title'));
  if (r.loading && !r.data) return <Loading />;
  if (r.error && !r.data) return <ErrorBox error={r.error} onRetry={r.reload} />;
  const x = r.data!;
  // A copy kept on the device (no signal) is not edited, but its stage change waits in the outbox.
  const kept = !!r.data?.savedAt;
  const mayEdit = canEdit(user) && !kept;
  return (
    <article class="in-detail" data-testid="initiative-detail" data-id={x.id} data-stage={x.stage}>
      {q.saved && <Notice>{t('initiative.saved')}</Notice>}
      <div class="page-head">
        <div>
          <h1 data-testid="initiative-title">{x.title}</h1>
          <p class="muted">
            {[x.number, kindName(meta, x.kind), regionName(x.region)].filter(Boolean).join(' · ')}
          </p>
          <p>
            <strong data-testid="initiative-stage">{stageName(meta, x.kind, x.stage)}</strong> <span class="muted small">{t('initiative.since', { day: formatDay(x.stage_on) })}</span>
          </p>
        </div>
        <div class="row">
          {mayEdit && (
            <Link href={`/initiatives/${x.id}/edit`} class="btn" data-testid="edit-initiative">
              {t('common.edit')}
            </Link>
          )}
          {mayEdit && canManage(user) && (
            <DeletePanel
              label={t('common.delete')}
              question={t('initiative.delete_confirm')}
              onDelete={async () => {
                await endpoints.deleteInitiative(x.id);
                navigate('/initiatives?deleted=1');
              }}
              testid="delete-initiative"
            />
          )}
          {canEdit(user) && (
            <Link href={`/meetings/new?initiative=${x.id}`} class="btn btn-small" data-testid="initiative-log-meeting">
              {t('initiative.log_meeting')}
            </Link>
          )}
          <Link href="/initiatives">{t('initiative.back')}</Link>
        </div>
      </div>
      <KeptNote savedAt={r.data?.savedAt} />
      <div class="in-cols">
        <Section id="in-facts" title={t('initiative.facts')}>
          <dl class="in-dl">
            <dt>{t('initiative.kind')}</dt>
            <dd>{kindName(meta, x.kind)}</dd>
            {x.number && (
              <>
                <dt>{t('initiative.number')}</dt>
                <dd>{x.number}</dd>
              </>
            )}
            {x.url && /^https?:\/\//i.test(x.url) && (
              <>
                <dt>{t('initiative.url')}</dt>
                <dd>
                  <a href={x.url} rel="noopener noreferrer" target="_blank">
                    {x.url}
                  </a>
                </dd>
              </>
            )}
            <dt>{t('common.region')}</dt>
            <dd>{regionName(x.region)}</dd>
            {x.owner_name && (
              <>
                <dt>{t('initiative.owner')}</dt>
                <dd>{x.owner_name}</dd>
              </>
            )}
            {!!x.tags?.length && (
              <>
                <dt>{t('initiative.tags')}</dt>
                <dd>{x.tags.join(', ')}</dd>
              </>
            )}
          </dl>
          {x.summary && <p class="in-summary">{x.summary}</p>}
        </Section>
        {canEdit(user) && <StageForm x={x} meta={meta} onSaved={r.setData} onReload={r.reload} />}
      </div>
      <Section id="in-who" title={t('initiative.stakeholders')} testid="initiative-stakeholders">
        {x.stakeholders?.length ? (
          <ul class="plain-list">
            {x.stakeholders.map((s) => (
              <li key={s.stakeholder_id} data-testid="initiative-stakeholder" data-role={s.role}>
                <Link href={`/stakeholders/${s.stakeholder_id}`}>{s.name || s.stakeholder_id}</Link> <span class="muted">· {roleName(meta, s.role)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('initiative.no_stakeholders')}</p>
        )}
      </Section>
      <div class="in-cols">
        <Section id="in-commit" title={t('nav.commitments')} testid="initiative-commitments">
          {x.commitments?.length ? (
            <ul class="plain-list">
              {x.commitments.map((c) => (
                <li key={c.id} data-testid="initiative-commitment">
                  <Link href={`/commitments/${c.id}`}>{c.text}</Link> <span class="small muted">{[c.stakeholder_name, c.due_on && `${t('common.due')} ${formatDay(c.due_on)}`].filter(Boolean).join(' · ')}</span> <Badge group="status" value={c.status} />
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('initiative.no_commitments')}</p>
          )}
        </Section>
        <Section id="in-meet" title={t('nav.meetings')} testid="initiative-meetings">
          {x.meetings?.length ? (
            <ul class="plain-list">
              {x.meetings.map((mt) => (
                <li key={mt.id} data-testid="initiative-meeting">
                  <Link href={`/meetings/${mt.id}`}>{mt.summary || t('meeting.title')}</Link>
                  {mt.held_on && <span class="small muted"> · {formatDay(mt.held_on)}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('initiative.no_meetings')}</p>
          )}
        </Section>
      </div>
      <Section id="in-hist" title={t('initiative.history')} testid="initiative-history">
        {x.history?.length ? (
          <ol class="plain-list in-history">
            {[...x.history].reverse().map((h, i) => (
              <li key={i} data-testid="stage-entry" data-stage={h.stage}>
                <div>
                  <strong>{stageName(meta, x.kind, h.stage)}</strong> <span class="small">{formatDay(h.on)}</span>
                  {(h.by_name || h.at) && (
                    <span class="small muted">
                      {' '}
                      · {[h.by_name || (h.by && h.by === user?.id ? user.name || user.email : ''), h.at && formatDateTime(h.at)].filter(Boolean).join(', ')}
                    </span>
                  )}
                </div>
                {h.note && <p>{h.note}</p>}
              </li>
            ))}
          </ol>
        ) : (
          <p class="muted">{t('initiative.no_history')}</p>
        )}
      </Section>
    </article>
  );
}

/** StageForm moves the initiative to another stage of its kind, on a day, with a note. */
function StageForm({ x, meta, onSaved, onReload }: { x: Initiative; meta?: InitiativeMeta; onSaved: (x: Initiative) => void; onReload: () => void }) {
  const [stage, setStage] = useState('');
  const [on, setOn] = useState(todayInLima());
  const [note, setNote] = useState('');
  const [done, setDone] = useState<'saved' | 'queued' | ''>('');
  const { errors, error, busy, run, reloadWith } = useSave();
  const submit = (e: Event) => {
    e.preventDefault();
    setDone('');
    void run(validateStageChange({ stage, on }, x, meta), async () => {
      const what = t('initiative.stage_change_of', { title: x.title, stage: stageName(meta, x.kind, stage) });
      const r = await saveStageChange(x, { stage, on, note: note.trim(), version: x.version }, what);
      if (r.saved) onSaved(r.saved);
      setStage('');
      setNote('');
      setDone(r.saved ? 'saved' : 'queued');
    });
  };
  return (
    <CardForm id="in-stage" title={t('initiative.change_stage')} testid="stage-form" onSubmit={submit} error={error} onReload={reloadWith(onReload)}>
      {done && <Notice>{done === 'saved' ? t('initiative.stage_saved') : t('initiative.stage_queued')}</Notice>}
      <Select id="new-stage" label={t('initiative.new_stage')} value={stage} blank="—" options={options(stagesOf(meta, x.kind).filter((s) => s.code !== x.stage))} onValue={setStage} error={errors.stage} required />
      <TextInput id="stage-on" type="date" label={t('initiative.stage_on')} value={on} onValue={setOn} error={errors.on} required />
      <TextArea id="stage-note" label={t('initiative.note')} max={limit('initiative.stage_note')} value={note} onValue={setNote} error={errors.note} rows={3} />
      <SaveButton busy={busy} testid="save-stage" label={t('initiative.save_stage')} />
    </CardForm>
  );
}

export default InitiativeDetail;

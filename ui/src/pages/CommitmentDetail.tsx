// One commitment: its facts, the status history, and the status change form (with version).
import { useState } from 'preact/hooks';
import { endpoints, type Commitment, type CommitmentStatus, type HistoryEntry } from '../api';
import { Badge, OverdueTag } from '../components/Badge';
import { CommitmentEditForm } from '../components/CommitmentEditForm';
import { InitiativeLinks } from '../components/InitiativeLinks';
import { enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { ErrorBox, Loading, Notice } from '../components/States';
import { formatDateTime, formatDay } from '../format';
import { useAsync, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link } from '../router';
import { canEdit, canManage, regionName, useSession } from '../session';
import { useSave } from '../save';
import { validateStatusChange } from '../validation';
import './CommitmentDetail.css';
import { SaveButton } from '../components/FormActions';
import { CardForm } from '../components/CardForm';
import { Section } from '../components/Section';
import { limit } from '../limits';

export function CommitmentDetail({ id }: { id: string }) {
  useTitle(t('commitment.title'));
  const { user, regions } = useSession();
  const c = useAsync(() => endpoints.commitment(id), [id]);
  const [editing, setEditing] = useState(false);
  if (c.loading && !c.data) return <Loading />;
  if (c.error && !c.data) return <ErrorBox error={c.error} onRetry={c.reload} />;
  const x = c.data!;
  // A raw user id means nothing to a person: show the name when the server sends it, or "you".
  const byName = (h: HistoryEntry) => h.by_name || (h.by && h.by === user?.id ? user.name || user.email : '');
  return (
    <article class="cd" data-testid="commitment-detail" data-id={x.id} data-status={x.status}>
      <div class="page-head">
        <div>
          <h1 data-testid="commitment-text">{x.text}</h1>
          <p>
            <Badge group="status" value={x.status} /> {x.overdue && <OverdueTag />}
          </p>
        </div>
        <div class="row">
          {canEdit(user) && !editing && (canManage(user) || x.owner_id === user?.id) && (
            <button type="button" class="btn" onClick={() => setEditing(true)} data-testid="edit-commitment">
              {t('common.edit')}
            </button>
          )}
          <Link href={`/commitments?region=${x.region}&view=board`}>{t('commitment.back_to_board')}</Link>
        </div>
      </div>
      {editing && <CommitmentEditForm c={x} onSaved={(n) => c.setData(n)} onReload={c.reload} onClose={() => setEditing(false)} />}
      <div class="cd-cols">
        <Section id="cd-facts" title={t('commitment.facts')}>
          <dl class="cd-dl">
            <dt>{t('commitment.stakeholder')}</dt>
            <dd>
              <Link href={`/stakeholders/${x.stakeholder_id}`}>{x.stakeholder_name}</Link> <span class="muted small">({te('kind', x.stakeholder_kind)})</span>
            </dd>
            <dt>{t('common.region')}</dt>
            <dd>{regionName(x.region, regions)}</dd>
            <dt>{t('commitment.type')}</dt>
            <dd>{te('ctype', x.type)}</dd>
            <dt>{t('commitment.made_on')}</dt>
            <dd>{formatDay(x.made_on)}</dd>
            <dt>{t('commitment.due_on')}</dt>
            <dd>{formatDay(x.due_on)}</dd>
            {x.next_follow_up_on && (
              <>
                <dt>{t('commitment.next_follow_up')}</dt>
                <dd>{formatDay(x.next_follow_up_on)}</dd>
              </>
            )}
            {x.initiative_id && (
              <>
                <dt>{t('commitment.initiative')}</dt>
                <dd>
                  <InitiativeLinks ids={[x.initiative_id]} testid="commitment-initiative" />
                </dd>
              </>
            )}
            {x.origin?.id && (
              <>
                <dt>{t('commitment.origin')}</dt>
                <dd>
                  <Link href={x.origin.kind === 'meeting' ? `/meetings/${x.origin.id}` : `/correspondence?id=${x.origin.id}`}>{te('timeline', x.origin.kind)}</Link>
                </dd>
              </>
            )}
          </dl>
        </Section>
        {canEdit(user) && <StatusForm c={x} onSaved={(n) => c.setData(n)} onReload={c.reload} />}
      </div>
      <Section id="cd-hist" title={t('commitment.history')} testid="commitment-history">
        {x.history?.length ? (
          <ol class="cd-history">
            {[...x.history].reverse().map((h, i) => (
              <li key={i} data-testid="history-entry" data-status={h.status}>
                <div>
                  <Badge group="status" value={h.status} /> <time dateTime={h.at} class="small muted">{formatDateTime(h.at)}</time>
                  {byName(h) && <span class="small muted"> · {byName(h)}</span>}
                </div>
                {h.note && <p>{h.note}</p>}
                {h.evidence && (
                  <p class="small">
                    {t('commitment.evidence')}: {/^https?:\/\//.test(h.evidence) ? <a href={h.evidence} rel="noopener noreferrer" target="_blank">{h.evidence}</a> : h.evidence}
                  </p>
                )}
              </li>
            ))}
          </ol>
        ) : (
          <p class="muted">{t('commitment.no_history')}</p>
        )}
      </Section>
    </article>
  );
}

function StatusForm({ c, onSaved, onReload }: { c: Commitment; onSaved: (c: Commitment) => void; onReload: () => void }) {
  const { enums } = useSession();
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState('');
  const { errors, error, busy, run, reloadWith } = useSave();
  const [done, setDone] = useState(false);

  const submit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    void run(validateStatusChange({ status, note }, c.status), async () => {
      const n = await endpoints.setCommitmentStatus(c.id, { status: status as CommitmentStatus, note: note.trim(), evidence: evidence.trim(), version: c.version });
      onSaved(n);
      setStatus('');
      setNote('');
      setEvidence('');
      setDone(true);
    });
  };
  return (
    <CardForm id="cd-change" title={t('commitment.change_status')} testid="status-form" onSubmit={submit} error={error} onReload={reloadWith(onReload)}>
      {done && <Notice>{t('commitment.status_saved')}</Notice>}
      <Select id="new-status" label={t('commitment.new_status')} value={status} blank="—" options={enumOptions('status', enums.commitment_statuses.filter((s) => s !== c.status))} onValue={setStatus} error={errors.status} required />
      <TextArea id="status-note" label={t('commitment.note')} max={limit('commitment.status_note')} value={note} onValue={setNote} error={errors.note} required rows={3} />
      <TextInput id="status-evidence" label={t('commitment.evidence')} hint={t('commitment.evidence_hint')} max={limit('commitment.status_evidence')} value={evidence} onValue={setEvidence} error={errors.evidence} />
      <SaveButton busy={busy} testid="save-status" label={t('commitment.save_status')} />
    </CardForm>
  );
}

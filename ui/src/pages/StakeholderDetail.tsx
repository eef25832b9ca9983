// Stakeholder: profile, relationships and the paged timeline of everything about them.
import { useState } from 'preact/hooks';
import { endpoints, type RelationshipKind, type Stakeholder, type TimelineItem } from '../api';
import { Badge } from '../components/Badge';
import { enumOptions, Select, TextInput } from '../components/Field';
import { StakeholderPicker, type Picked } from '../components/StakeholderPicker';
import { Empty, ErrorBox, Loading, LoadMore } from '../components/States';
import { RELATIONSHIP_KINDS } from '../enums';
import { errorMessage } from '../errors';
import { formatDateTime, formatDay, formatInstantDate } from '../format';
import { useAction, useAsync, usePaged, useTitle } from '../hooks';
import { t, te } from '../i18n';
import { Link, navigate } from '../router';
import { canEdit, regionName, useSession } from '../session';
import './StakeholderDetail.css';
import { Section } from '../components/Section';
import { limit } from '../limits';
import { roleName, stageNameAny, useInitiativeMeta } from '../initiatives';
import type { InitiativeMeta } from '../api';

const timelineHref = (type: string, id: string) =>
  type.startsWith('initiative') ? `/initiatives/${id}` : type === 'meeting' ? `/meetings/${id}` : type === 'commitment' || type === 'status_change' ? `/commitments/${id}` : type === 'message' ? `/correspondence?id=${id}` : '';

/** timelineDetail puts the codes the server sends (meeting kind, commitment type, due date, initiative role) into words. */
function timelineDetail(it: TimelineItem, meta?: InitiativeMeta): string {
  if (!it.detail) return '';
  switch (it.type) {
    case 'initiative':
      return t('initiative.role_is', { role: roleName(meta, it.detail) });
    case 'meeting': {
      const [kind, ...rest] = it.detail.split(' · ');
      return [te('meeting_kind', kind), ...rest].join(' · ');
    }
    case 'commitment':
      return te('ctype', it.detail);
    case 'task':
      return /^\d{4}-\d{2}-\d{2}$/.test(it.detail) ? `${t('common.due')} ${formatDay(it.detail)}` : it.detail;
    default:
      return it.detail;
  }
}

/** statusGroup is the translation group of an item's status (commitment, message or task). */
const statusGroup = (type: string) => (type === 'message' ? 'mstatus' : type === 'task' ? 'tstatus' : 'status');

/** timelineWhen shows a commitment's day (it is a date, not an instant) and the time of everything else. */
const timelineWhen = (it: TimelineItem) =>
  /^\d{4}-\d{2}-\d{2}$/.test(it.at) ? formatDay(it.at) : it.type === 'commitment' ? formatInstantDate(it.at) : formatDateTime(it.at);

export function StakeholderDetail({ id }: { id: string }) {
  const { user, regions } = useSession();
  const sh = useAsync(() => endpoints.stakeholder(id), [id]);
  const tl = usePaged((cursor) => endpoints.timeline(id, cursor), [id]);
  useTitle(sh.data?.name ?? t('nav.stakeholders'));
  const archiving = useAction();
  const { meta } = useInitiativeMeta();

  if (sh.loading && !sh.data) return <Loading />;
  if (sh.error || !sh.data) return <ErrorBox error={sh.error} onRetry={sh.reload} />;
  const s = sh.data;
  const edit = canEdit(user);

  const archive = async () => {
    if (!confirm(t('stakeholder.archive_confirm', { name: s.name }))) return;
    await archiving.run(async () => {
      await endpoints.archiveStakeholder(s.id);
      navigate('/stakeholders');
    });
  };

  return (
    <article class="sh-detail">
      <div class="page-head">
        <div>
          <h1 data-testid="stakeholder-name">{s.name}</h1>
          <p class="muted">
            {te('kind', s.kind)} · {s.regions.map((r) => regionName(r, regions)).join(', ')}
            {s.archived && ` · ${t('stakeholder.archived')}`}
          </p>
        </div>
        {edit && (
          <div class="row">
            <Link class="btn btn-primary" href={`/meetings/new?with=${s.id}`} data-testid="log-meeting-with">
              {t('nav.log_meeting')}
            </Link>
            <Link class="btn" href={`/stakeholders/${s.id}/edit`} data-testid="edit-stakeholder">
              {t('common.edit')}
            </Link>
            {!s.archived && (
              <button type="button" class="btn btn-danger" onClick={() => void archive()} data-testid="archive-stakeholder">
                {t('stakeholder.archive')}
              </button>
            )}
          </div>
        )}
      </div>
      {!!archiving.error && <p role="alert" class="field-error">{errorMessage(archiving.error)}</p>}

      <div class="sh-cols">
        <Section id="h-profile" title={t('stakeholder.profile')}>
          <dl class="sh-dl">
            <dt>{t('stakeholder.stance')}</dt>
            <dd><Badge group="stance" value={s.stance} /></dd>
            <dt>{t('stakeholder.influence')}</dt>
            <dd>{te('influence', s.influence)}</dd>
            <dt>{t('stakeholder.emails')}</dt>
            <dd>{s.emails.length ? s.emails.map((e) => <div key={e}><a href={`mailto:${e}`}>{e}</a></div>) : '—'}</dd>
            <dt>{t('stakeholder.phones')}</dt>
            <dd>{s.phones.length ? s.phones.join(', ') : '—'}</dd>
            <dt>{t('stakeholder.tags')}</dt>
            <dd>{s.tags.length ? s.tags.join(', ') : '—'}</dd>
            {s.legislator && (
              <>
                <dt>{t('legislator.chamber')}</dt>
                <dd>{te('chamber', s.legislator.chamber)}</dd>
                <dt>{t('legislator.period')}</dt>
                <dd>{s.legislator.period || '—'}</dd>
                <dt>{t('legislator.party')}</dt>
                <dd>{s.legislator.party || '—'}</dd>
                <dt>{t('legislator.parliamentary_group')}</dt>
                <dd>{s.legislator.parliamentary_group || '—'}</dd>
                <dt>{t('legislator.electoral_district')}</dt>
                <dd>{s.legislator.electoral_district ? regionName(s.legislator.electoral_district, regions) : '—'}</dd>
                <dt>{t('legislator.committees')}</dt>
                <dd>{s.legislator.committees?.join(', ') || '—'}</dd>
              </>
            )}
            {s.committee && (
              <>
                <dt>{t('committee.region')}</dt>
                <dd>{regionName(s.committee.region, regions)}</dd>
                <dt>{t('committee.members')}</dt>
                <dd>{s.committee.member_ids?.length ?? 0}</dd>
              </>
            )}
          </dl>
          {s.notes && (
            <>
              <h3>{t('stakeholder.notes')}</h3>
              <p class="sh-notes">{s.notes}</p>
            </>
          )}
        </Section>

        <Relationships s={s} edit={edit} onChange={(n) => sh.setData(n)} />
      </div>

      <Section id="h-timeline" title={t('stakeholder.timeline')} testid="timeline" class="card sh-timeline">
        <ErrorBox error={tl.items.length === 0 ? tl.error : null} onRetry={tl.retry} />
        {!tl.loading && !tl.error && tl.items.length === 0 && <Empty>{t('stakeholder.timeline_empty')}</Empty>}
        <ol class="timeline">
          {tl.items.map((it, i) => {
            const href = timelineHref(it.type, it.id);
            return (
              <li key={`${it.type}-${it.id}-${i}`} class={`tl-item tl-${it.type}`} data-testid="timeline-item" data-type={it.type} data-id={it.id}>
                <span class="tl-type">{te('timeline', it.type)}</span>
                <time dateTime={it.at} class="small muted">{timelineWhen(it)}</time>
                <div>
                  {href ? <Link href={href}>{it.title}</Link> : <span>{it.title}</span>}{' '}
                  {it.status && (it.type === 'initiative' || it.type === 'stage_change' ? <strong class="small">{stageNameAny(meta, it.status)}</strong> : <Badge group={statusGroup(it.type)} value={it.status} />)}
                </div>
                {it.detail && <p class="small">{timelineDetail(it, meta)}</p>}
              </li>
            );
          })}
        </ol>
        {tl.loading && !tl.loadingMore && <Loading />}
        <LoadMore list={tl} testid="timeline-more" />
      </Section>
    </article>
  );
}

function Relationships({ s, edit, onChange }: { s: Stakeholder; edit: boolean; onChange: (s: Stakeholder) => void }) {
  const [other, setOther] = useState<Picked | null>(null);
  const [kind, setKind] = useState('works_for');
  const [role, setRole] = useState('');
  const { error: err, busy, run } = useAction();
  const rels = s.relationships ?? [];

  const add = (e: Event) => {
    e.preventDefault();
    if (!other) return;
    void run(async () => {
      onChange(await endpoints.addRelationship(s.id, { stakeholder_id: other.id, kind: kind as RelationshipKind, role }));
      setOther(null);
      setRole('');
    });
  };
  const remove = (otherId: string) =>
    run(async () => {
      await endpoints.removeRelationship(s.id, otherId);
      onChange({ ...s, relationships: rels.filter((r) => r.stakeholder_id !== otherId) });
    });

  return (
    <Section id="h-rel" title={t('stakeholder.relationships')} testid="relationships">
      <ErrorBox error={err} />
      {rels.length === 0 ? (
        <Empty>{t('stakeholder.no_relationships')}</Empty>
      ) : (
        <ul class="plain-list">
          {rels.map((r) => (
            <li key={`${r.stakeholder_id}-${r.kind}`} class="row">
              <span>
                {te(r.direction === 'in' ? 'rel_in' : 'rel', r.kind)} <Link href={`/stakeholders/${r.stakeholder_id}`}>{r.stakeholder_name}</Link>
                {r.role && <span class="muted"> · {r.role}</span>}
                {(r.since || r.until) && <span class="muted small"> ({formatDay(r.since)} – {formatDay(r.until)})</span>}
              </span>
              {edit && r.direction !== 'in' && (
                <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(r.stakeholder_id)} aria-label={t('stakeholder.remove_relationship', { name: r.stakeholder_name })}>
                  {t('common.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {edit && (
        <form class="rel-form" onSubmit={add} aria-label={t('stakeholder.add_relationship')}>
          <h3>{t('stakeholder.add_relationship')}</h3>
          {other ? (
            <p>
              {other.name}{' '}
              <button type="button" class="btn-link" onClick={() => setOther(null)}>
                {t('common.change')}
              </button>
            </p>
          ) : (
            <StakeholderPicker id="rel-other" label={t('stakeholder.related_to')} onPick={setOther} exclude={[s.id]} />
          )}
          <Select id="rel-kind" label={t('stakeholder.relationship_kind')} value={kind} options={enumOptions('rel', RELATIONSHIP_KINDS)} onValue={setKind} />
          <TextInput id="rel-role" label={t('stakeholder.role')} max={limit('stakeholder.relation_role')} value={role} onValue={setRole} />
          <button type="submit" class="btn" disabled={!other || busy}>
            {t('common.add')}
          </button>
        </form>
      )}
    </Section>
  );
}

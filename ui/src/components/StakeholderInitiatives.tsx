// The initiatives a stakeholder is linked to, with their role and where each stands; shown on
// the stakeholder's page (nothing when there are none).
import { endpoints } from '../api';
import { formatDay } from '../format';
import { useAsync } from '../hooks';
import { t } from '../i18n';
import { roleName, stageName, useInitiativeMeta } from '../initiatives';
import { Link } from '../router';
import { initiativeLabel } from './InitiativePicker';
import { Section } from './Section';

export function StakeholderInitiatives({ id }: { id: string }) {
  const { meta } = useInitiativeMeta();
  const r = useAsync(() => endpoints.initiatives({ stakeholder_id: id, limit: 50 }), [id]);
  const items = r.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Section id="h-initiatives" title={t('nav.initiatives')} testid="stakeholder-initiatives">
      <ul class="plain-list">
        {items.map((x) => {
          const role = x.stakeholders?.find((s) => s.stakeholder_id === id)?.role;
          return (
            <li key={x.id} data-testid="stakeholder-initiative" data-role={role}>
              <Link href={`/initiatives/${x.id}`}>{initiativeLabel(x)}</Link>
              <div class="small muted">
                {[role && roleName(meta, role), `${stageName(meta, x.kind, x.stage)} ${t('initiative.since', { day: formatDay(x.stage_on) })}`].filter(Boolean).join(' · ')}
              </div>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

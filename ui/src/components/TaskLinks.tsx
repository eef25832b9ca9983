// Where a task came from: links back to its meeting, commitment, stakeholder or message.
import type { Task } from '../api';
import { t } from '../i18n';
import { Link } from '../router';

export function TaskLinks({ task }: { task: Task }) {
  const l = task.links ?? {};
  const items: [string, string][] = [];
  if (l.meeting_id) items.push([`/meetings/${l.meeting_id}`, t('task.link_meeting')]);
  if (l.commitment_id) items.push([`/commitments/${l.commitment_id}`, t('task.link_commitment')]);
  if (l.message_id) items.push([`/correspondence?id=${l.message_id}`, t('task.link_message')]);
  if (l.stakeholder_id) items.push([`/stakeholders/${l.stakeholder_id}`, t('task.link_stakeholder')]);
  if (!items.length) return null;
  return (
    <span class="small task-links" data-testid="task-links">
      {items.map(([href, label], i) => (
        <span key={href}>
          {i > 0 && ' · '}
          <Link href={href}>{label}</Link>
        </span>
      ))}
    </span>
  );
}

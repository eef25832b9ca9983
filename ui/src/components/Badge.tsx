// A status or enum value shown as a small coloured label (text, never colour alone).
import { te } from '../i18n';
import './Badge.css';

export function Badge({ group, value, overdue }: { group: string; value: string; overdue?: boolean }) {
  return (
    <span class={`badge badge-${value}${overdue ? ' badge-overdue' : ''}`} data-status={value}>
      {te(group, value)}
    </span>
  );
}

export function OverdueTag() {
  return <span class="badge badge-overdue-tag">{te('common', 'overdue')}</span>;
}

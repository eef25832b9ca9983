// The message queue: search and region filters, bulk status changes and the
// list of messages, each a link that opens it in the reading pane.
import { useEffect, useState } from 'preact/hooks';
import { endpoints, type Message, type ReviewStatus } from '../../api';
import { Badge } from '../../components/Badge';
import { Select, TextInput } from '../../components/Field';
import { Empty, ErrorBox, Loading, LoadMore, Notice } from '../../components/States';
import { formatDateTime } from '../../format';
import { useAction, usePaged, useSearchText } from '../../hooks';
import { t, te, tn } from '../../i18n';
import { Link, useQuery } from '../../router';
import { canEdit, myRegions, useSession } from '../../session';

/** REVIEW_STATUSES are the statuses a person may give a message. */
export const REVIEW_STATUSES: ReviewStatus[] = ['new', 'follow_up', 'done', 'ignored'];

function queueQuery(queue: string) {
  switch (queue) {
    case 'new':
    case 'follow_up':
      return { status: queue };
    case 'unmatched':
      return { unmatched: 'true' };
    case 'awaiting_reply':
      return { awaiting_reply: 'true' };
    default:
      return {};
  }
}

/** MessageList shows one queue; it reloads when reloadKey changes (a message changed in the reader) and calls onChanged after a bulk change. */
export function MessageList({ queue, reloadKey, onChanged }: { queue: string; reloadKey: number; onChanged: () => void }) {
  const { user, regions } = useSession();
  const [q, setQuery] = useQuery();
  const [text, setText] = useSearchText();
  const filters = { ...queueQuery(queue), region: q.region, q: q.q };
  const list = usePaged((cursor) => endpoints.messages({ ...filters, cursor, limit: 50 }), [queue, JSON.stringify(filters), reloadKey]);
  const [selected, setSelected] = useState<string[]>([]);
  const edit = canEdit(user);

  useEffect(() => setSelected([]), [queue, q.q, q.region]);

  const [bulkMsg, setBulkMsg] = useState('');
  const bulk = useAction();
  const applyBulk = (status: ReviewStatus) => {
    setBulkMsg('');
    void bulk.run(async () => {
      await endpoints.bulkMessageStatus(selected, status);
      setBulkMsg(tn('mail.bulk_done', selected.length));
      setSelected([]);
      onChanged();
    });
  };

  const toggle = (id: string, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));

  return (
    <div class="mail-list">
      <form class="filters" role="search" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
        <TextInput id="mail-q" type="search" label={t('common.search')} value={text} onValue={setText} />
        <Select id="mail-region" label={t('common.region')} value={q.region ?? ''} blank={t('common.any')} options={myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }))} onValue={(v) => setQuery({ region: v })} />
      </form>
      {edit && list.items.length > 0 && <BulkStatus items={list.items} selected={selected} onSelect={setSelected} onApply={applyBulk} />}
      {bulkMsg && <Notice>{bulkMsg}</Notice>}
      <ErrorBox error={bulk.error} />
      <ErrorBox error={list.items.length === 0 ? list.error : null} onRetry={list.retry} />
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('mail.none')}</Empty>}
      <ul class="mail-items" data-testid="message-list">
        {list.items.map((m) => (
          <li key={m.id} class={`mail-item${q.id === m.id ? ' selected' : ''}`} data-testid="message-row" data-id={m.id} data-status={m.status}>
            {edit && (
              <input type="checkbox" checked={selected.includes(m.id)} onChange={(e) => toggle(m.id, e.currentTarget.checked)} aria-label={t('mail.select', { subject: m.subject || t('mail.no_subject') })} />
            )}
            <MessageLink m={m} current={q.id === m.id} href={`/correspondence?${new URLSearchParams({ ...q, id: m.id }).toString()}`} />
          </li>
        ))}
      </ul>
      {list.loading && !list.loadingMore && <Loading />}
      <LoadMore list={list} />
    </div>
  );
}

function MessageLink({ m, current, href }: { m: Message; current: boolean; href: string }) {
  return (
    <Link href={href} class="mail-item-link" aria-current={current ? 'true' : undefined}>
      <span class="mail-from" data-testid="message-who">
        {m.stakeholder_names?.length ? m.stakeholder_names.join(', ') : m.from.name || m.from.address}
        {!!m.stakeholder_names?.length && <span class="small muted"> · {m.from.address}</span>}
      </span>
      <span class="mail-subject">{m.subject || t('mail.no_subject')}</span>
      <span class="small muted">{formatDateTime(m.date)}</span>
      <span class="mail-flags">
        <Badge group="mstatus" value={m.status} />
        {m.unmatched && <span class="badge">{t('mail.unmatched')}</span>}
        {m.awaiting_reply && <span class="badge">{t('mail.awaiting_reply')}</span>}
        {m.direction === 'outbound' && <span class="badge">{t('mail.outbound')}</span>}
      </span>
    </Link>
  );
}

/** BulkStatus selects messages of the page and picks the status to give them. */
function BulkStatus({ items, selected, onSelect, onApply }: { items: Message[]; selected: string[]; onSelect: (ids: string[]) => void; onApply: (s: ReviewStatus) => void }) {
  const [status, setStatus] = useState<ReviewStatus>('done');
  const allOn = items.length > 0 && selected.length === items.length;
  return (
    <div class="mail-bulk row" role="group" aria-label={t('mail.bulk')}>
      <label class="check">
        <input type="checkbox" checked={allOn} onChange={(e) => onSelect(e.currentTarget.checked ? items.map((m) => m.id) : [])} data-testid="select-all" />
        {t('mail.select_all')}
      </label>
      <label for="bulk-status" class="sr-only">
        {t('mail.bulk_status')}
      </label>
      <select id="bulk-status" class="mail-bulk-select" value={status} onChange={(e) => setStatus(e.currentTarget.value as ReviewStatus)}>
        {REVIEW_STATUSES.map((s) => (
          <option key={s} value={s}>
            {te('mstatus', s)}
          </option>
        ))}
      </select>
      <button type="button" class="btn btn-small" disabled={selected.length === 0} onClick={() => onApply(status)} data-testid="bulk-apply">
        {t('mail.bulk_apply', { n: selected.length })}
      </button>
    </div>
  );
}

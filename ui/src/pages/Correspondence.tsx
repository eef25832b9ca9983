// Correspondence review: the queues, the message list (correspondence/MessageList),
// the reading pane with its actions (correspondence/Reader) and the unmatched
// sender addresses (correspondence/UnmatchedAddresses).
import { useState } from 'preact/hooks';
import { endpoints } from '../api';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { Link, useQuery } from '../router';
import { MessageList } from './correspondence/MessageList';
import { Reader } from './correspondence/Reader';
import { UnmatchedAddresses } from './correspondence/UnmatchedAddresses';
import './Correspondence.css';
import { PageHead } from '../components/Section';

const QUEUES = ['new', 'follow_up', 'unmatched', 'awaiting_reply', 'all', 'addresses'] as const;

export default function Correspondence() {
  useTitle(t('nav.correspondence'));
  const [q, setQuery] = useQuery();
  const queue = (QUEUES as readonly string[]).includes(q.queue) ? q.queue : 'new';
  // A change to a message (status, links, bulk) reloads the list and the counts.
  const [tick, setTick] = useState(0);
  const counts = useAsync(() => endpoints.messageCounts({ region: q.region }), [q.region, tick]);
  const changed = () => setTick((x) => x + 1);

  return (
    <section class={`mail${q.id ? ' mail-has-selection' : ''}`}>
      <PageHead title={t('nav.correspondence')} />
      <nav class="mail-queues" aria-label={t('mail.queues')}>
        <ul>
          {QUEUES.map((k) => (
            <li key={k}>
              <Link href={`/correspondence?queue=${k}`} aria-current={queue === k ? 'page' : undefined} data-testid={`queue-${k}`}>
                {t(`mail.queue_${k}`)}
                {counts.data && k in counts.data && <span class="mail-count"> ({counts.data[k]})</span>}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {queue === 'addresses' ? (
        <UnmatchedAddresses />
      ) : (
        <div class="mail-split">
          <MessageList queue={queue} reloadKey={tick} onChanged={changed} />
          <div class="mail-pane">
            {q.id ? (
              <Reader key={q.id} id={q.id} onChanged={changed} onClose={() => setQuery({ id: undefined })} />
            ) : (
              <p class="muted mail-pane-empty">{t('mail.pick_one')}</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

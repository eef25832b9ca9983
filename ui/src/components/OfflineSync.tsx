// Keeps the device ready to work without signal while signed in: refreshes the cached working
// set when online once it is older than REFRESH_MS (one tab at a time), sends the outbox when
// the signal returns (and every minute), and shows every item still waiting ("pendiente de
// envío"), with the error of any the server refused.
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../api';
import { t, tn } from '../i18n';
import { REFRESH_MS, refreshIfStale } from '../offline/cache';
import { discard, flush, list, MAYBE_SENT, onChange, onSent, onWriteSent, retry, type OutboxItem } from '../offline/outbox';
import { fieldLabel } from '../pages/MeetingForm';
import { Link } from '../router';
import { getSession } from '../session';
import { NEW_RECORD } from '../offline/save';
import './OfflineSync.css';

const FLUSH_MS = 60_000;

export function OfflineSync({ user, offline }: { user: User; offline: boolean }) {
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  // What the outbox delivered since the last look: confirmed here until the person closes it.
  const [sent, setSent] = useState<{ id: string; what: string; href: string }[]>([]);

  useEffect(() => onSent((m, it) => setSent((o) => [...o, { id: m.id, what: (it.body?.summary ?? '').slice(0, 80), href: `/meetings/${m.id}` }])), []);
  useEffect(
    () =>
      onWriteSent((answer, it) => {
        const w = it.write!;
        // A new record's page is known only now, from the server's answer.
        const href = w.href === NEW_RECORD && answer?.id ? w.path.replace(/\/?$/, `/${answer.id}`) : w.href;
        setSent((o) => [...o, { id: it.id, what: w.what.slice(0, 80), href }]);
      }),
    [],
  );

  useEffect(() => {
    let alive = true;
    const reload = () => void list(user.id).then((x) => alive && setItems(x), () => undefined);
    const off = onChange(reload);
    reload();
    return () => {
      alive = false;
      off();
    };
  }, [user.id]);

  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);

  // Online and confirmed by the server: send what waits, and refresh the device's copy.
  useEffect(() => {
    if (offline || !online) return;
    const send = () => void flush(user.id).catch(() => undefined);
    const refresh = () => {
      const s = getSession();
      void refreshIfStale(user.id, s.regions, s.enums)
        .then((bytes) => bytes !== null && localStorage.setItem(`alianza.offline.ready.${user.id}`, String(bytes)))
        .catch(() => undefined);
    };
    send();
    refresh();
    const a = setInterval(send, FLUSH_MS);
    // Checked twice per period, so the copy is never much older than REFRESH_MS.
    const b = setInterval(refresh, REFRESH_MS / 2);
    return () => {
      clearInterval(a);
      clearInterval(b);
    };
  }, [user.id, offline, online]);

  const delivered = sent.length > 0 && (
    <div class="outbox-sent state state-ok" role="status" data-testid="outbox-sent">
      <span>
        {tn('offline.sent', sent.length)}{' '}
        {sent.map((x, i) => (
          <span key={x.id}>
            {i > 0 && ', '}
            <Link href={x.href}>{x.what || t('meeting.title')}</Link>
          </span>
        ))}
      </span>
      <button type="button" class="btn btn-small" onClick={() => setSent([])}>
        {t('common.close')}
      </button>
    </div>
  );
  if (!items.length && online && !offline) return delivered || null;
  return (
    <>
    {delivered}
    <section class="outbox" aria-labelledby="outbox-h" data-testid="outbox">
      {(!online || offline) && (
        <p class="outbox-offline" role="status" data-testid="offline-banner">
          {t('offline.banner')}
        </p>
      )}
      {items.length > 0 && (
        <>
          <h2 id="outbox-h" class="outbox-h">
            {t('offline.outbox', { n: items.length })}
          </h2>
          <ul class="plain-list">
            {items.map((it) => {
              // Held because it may already be saved: resent (under new keys) only once the user checked.
              const review = it.error?.code === MAYBE_SENT;
              return (
                <li key={it.id} class={`outbox-item outbox-${it.state}`} data-testid="outbox-item" data-state={it.state}>
                  <strong>{it.state === 'pending' ? t('offline.pending') : review ? t('offline.review') : it.state === 'conflict' ? t('offline.conflict') : t('offline.invalid')}</strong>
                  {' · '}
                  {(it.write?.what ?? it.body?.summary ?? '').slice(0, 80) || t('meeting.title')}
                  {it.people.length > 0 && <span class="small muted"> · {tn('offline.people', it.people.length)}</span>}
                  {it.error && (
                    <div class="field-error" data-testid="outbox-error">
                      {review
                        ? t('offline.maybe_sent')
                        : it.write
                          ? Object.values(it.error.fields).join(' ') || it.error.detail || it.error.title
                          : Object.keys(it.error.fields).length
                          ? t('offline.refused_fields', { fields: Object.keys(it.error.fields).map(fieldLabel).join(', ') })
                          : it.error.detail || it.error.title}
                    </div>
                  )}
                  {it.state !== 'pending' && (
                    <div class="row">
                      {it.state === 'invalid' && it.write && it.write.href !== NEW_RECORD && (
                        <Link href={it.write.href} class="btn btn-small" data-testid="outbox-open">
                          {t('common.open')}
                        </Link>
                      )}
                      {it.state === 'invalid' && !it.write && (
                        <Link href={`/meetings/new?fix=${encodeURIComponent(it.id)}`} class="btn btn-small btn-primary" data-testid="outbox-fix">
                          {t('offline.fix')}
                        </Link>
                      )}
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() => (!review || confirm(t('offline.resend_confirm'))) && void retry(user.id, it.id).then(() => flush(user.id))}
                      >
                        {t('common.retry')}
                      </button>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => confirm(t('offline.discard_confirm')) && void discard(user.id, it.id)}>
                        {t('offline.discard')}
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
    </>
  );
}

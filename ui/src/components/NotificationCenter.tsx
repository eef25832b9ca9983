// The bell in the top bar: the signed-in user's notifications (due in 3 days, today, overdue,
// status changed by someone else on a commitment they own, messages assigned to them).
// Opening the panel marks them seen; the count refreshes every few minutes and on focus.
import { useEffect, useRef, useState } from 'preact/hooks';
import { endpoints, type InitiativeMeta, type Notification } from '../api';
import { stageNameAny, useInitiativeMeta } from '../initiatives';
import { byDueDate, formatDay } from '../format';
import { t, te } from '../i18n';
import { Link } from '../router';
import './NotificationCenter.css';

const REFRESH_MS = 5 * 60 * 1000;

/** notificationText is one line of the panel, e.g. "Vence hoy · Compromiso: …"; meta names an initiative's stage. */
export function notificationText(n: Notification, meta?: InitiativeMeta): string {
  const what = `${t(`notify.kind.${n.kind}`)} · ${t(`notify.entity.${n.entity}`)}`;
  if (n.kind === 'stage_changed') return `${what}: ${n.title} → ${stageNameAny(meta, n.status ?? '')}${n.by ? ` (${n.by})` : ''}`;
  if (n.kind === 'status_changed') return `${what}: ${n.title} → ${te('status', n.status)}${n.by ? ` (${n.by})` : ''}`;
  return `${what}: ${n.title}`;
}

export function NotificationCenter() {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  // Stage names come from the server's list of kinds, read only when an initiative is among the items.
  const { meta } = useInitiativeMeta(items.some((n) => n.entity === 'initiative'));

  const load = () =>
    endpoints.notifications().then(
      (r) => {
        // Due items by date, the oldest overdue first; status changes and assignments after.
        setItems(byDueDate(r.items));
        setUnread(r.unread);
        setFailed(false);
      },
      () => setFailed(true),
    );

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    const onFocus = () => void load();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, []);

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next && unread > 0) {
      void endpoints.notificationsSeen().then(() => setUnread(0), () => undefined);
    }
    if (next) setTimeout(() => panel.current?.focus(), 0);
  };

  return (
    <div class="notify">
      <button type="button" class="btn btn-small notify-btn" aria-expanded={open} aria-controls="notify-panel" onClick={toggle} data-testid="notify-button">
        {t('notify.title')}
        {unread > 0 && (
          <span class="notify-count" data-testid="notify-count">
            {' '}
            {unread}
            <span class="sr-only"> {t('notify.unread')}</span>
          </span>
        )}
      </button>
      {open && (
        <div id="notify-panel" class="notify-panel card" tabIndex={-1} ref={panel} role="region" aria-label={t('notify.title')} data-testid="notify-panel"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {failed && <p class="muted">{t('error.network')}</p>}
          {!failed && items.length === 0 && <p class="muted">{t('notify.none')}</p>}
          <ul class="plain-list">
            {items.map((n) => (
              <li key={`${n.kind}-${n.entity}-${n.id}`} class={`notify-item notify-${n.kind}`} data-testid="notify-item">
                <Link href={n.path} onClick={() => setOpen(false)}>
                  {notificationText(n, meta)}
                </Link>
                {n.due_on && <span class="small muted"> · {t('common.due')} {formatDay(n.due_on)}</span>}
              </li>
            ))}
          </ul>
          <p class="small">
            <Link href="/profile" onClick={() => setOpen(false)} data-testid="notify-profile">
              {t('profile.digest_link')}
            </Link>
          </p>
        </div>
      )}
    </div>
  );
}

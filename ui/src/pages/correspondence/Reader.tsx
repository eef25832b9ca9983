// The reading pane: one message's head, status, body (sandboxed HTML),
// attachments and thread, with the review actions below it.
import { useState } from 'preact/hooks';
import { api, endpoints, type MessagePatch, type ReviewStatus } from '../../api';
import { enumOptions, Select } from '../../components/Field';
import { ErrorBox, Loading, Notice } from '../../components/States';
import { formatDateTime } from '../../format';
import { useAction, useAsync } from '../../hooks';
import { t, tn } from '../../i18n';
import { mailSrcdoc } from '../../mailhtml';
import { Link } from '../../router';
import { canEdit, canReadBodies, useSession } from '../../session';
import { REVIEW_STATUSES } from './MessageList';
import { ReaderActions } from './ReaderActions';

export function Reader({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const { user } = useSession();
  const m = useAsync(() => endpoints.message(id), [id]);
  const thread = useAsync(() => (m.data?.thread_id ? endpoints.thread(m.data.thread_id) : Promise.resolve(null)), [m.data?.thread_id]);
  const names = useAsync(async () => {
    const ids = m.data?.stakeholder_ids ?? [];
    const got = await Promise.all(ids.map((x) => endpoints.stakeholder(x).catch(() => null)));
    return got.filter((s): s is NonNullable<typeof s> => !!s).map((s) => ({ id: s.id, name: s.name }));
  }, [m.data?.stakeholder_ids?.join(',')]);
  const act = useAction();
  const [notice, setNotice] = useState('');
  const edit = canEdit(user);

  if (m.loading && !m.data) return <Loading />;
  if (m.error || !m.data) return <ErrorBox error={m.error} onRetry={m.reload} />;
  const x = m.data;

  const patch = (b: MessagePatch) => {
    setNotice('');
    return act.run(async () => {
      const n = await endpoints.updateMessage(x.id, b);
      m.setData({ ...x, ...n });
      setNotice(t('common.saved'));
      onChanged();
    });
  };
  const linked = (rematched: number) => {
    setNotice(tn('mail.linked', rematched));
    m.reload();
    onChanged();
  };
  const download = (idx: number, name: string) => act.run(() => api.download(`/messages/${x.id}/attachments/${idx}`, {}, name));
  const others = (thread.data?.messages ?? []).filter((o) => o.id !== x.id);

  return (
    <article class="reader card" aria-labelledby="reader-subject" data-testid="reader" data-id={x.id}>
      <button type="button" class="btn btn-small reader-close" onClick={onClose}>
        ← {t('mail.back_to_list')}
      </button>
      <h2 id="reader-subject">{x.subject || t('mail.no_subject')}</h2>
      <dl class="reader-head small">
        <dt>{t('mail.from')}</dt>
        <dd>
          {x.from.name} &lt;{x.from.address}&gt;
        </dd>
        <dt>{t('mail.to')}</dt>
        <dd>{x.to.map((a) => a.name || a.address).join(', ')}</dd>
        {x.cc?.length > 0 && (
          <>
            <dt>{t('mail.cc')}</dt>
            <dd>{x.cc.map((a) => a.name || a.address).join(', ')}</dd>
          </>
        )}
        <dt>{t('mail.date')}</dt>
        <dd>{formatDateTime(x.date)}</dd>
        <dt>{t('mail.stakeholders')}</dt>
        <dd>
          {names.data?.length ? (
            names.data.map((s, i) => (
              <span key={s.id}>
                {i > 0 && ', '}
                <Link href={`/stakeholders/${s.id}`}>{s.name}</Link>
              </span>
            ))
          ) : (
            <span class="muted">{t('mail.unmatched')}</span>
          )}
        </dd>
      </dl>
      <ErrorBox
        error={act.error}
        onReload={() => {
          act.setError(null);
          m.reload();
        }}
      />
      {notice && <Notice>{notice}</Notice>}

      {edit && (
        <div class="row reader-status">
          <Select
            id="msg-status"
            label={t('mail.status')}
            value={x.status}
            options={enumOptions('mstatus', Array.from(new Set([...REVIEW_STATUSES, x.status])))}
            onValue={(v) => void patch({ status: v as ReviewStatus, version: x.version })}
          />
        </div>
      )}

      {canReadBodies(user) ? (
        x.html ? (
          <iframe class="reader-body" title={t('mail.body')} sandbox="" referrerpolicy="no-referrer" srcDoc={mailSrcdoc(x.html)} data-testid="message-body" />
        ) : (
          <pre class="reader-text" data-testid="message-body">{x.text || x.snippet}</pre>
        )
      ) : (
        <p class="muted" data-testid="body-hidden">
          {t('mail.body_hidden')}
        </p>
      )}

      {x.attachments?.length > 0 && (
        <section aria-labelledby="att-h">
          <h3 id="att-h">{t('mail.attachments')}</h3>
          <ul class="plain-list">
            {x.attachments.map((a) => (
              <li key={a.index}>
                {canReadBodies(user) ? (
                  <button type="button" class="btn-link" onClick={() => void download(a.index, a.name)}>
                    {a.name}
                  </button>
                ) : (
                  a.name
                )}{' '}
                <span class="small muted">({Math.ceil(a.size / 1024)} KB)</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {others.length > 0 && (
        <section aria-labelledby="thread-h" data-testid="thread">
          <h3 id="thread-h">{tn('mail.thread', others.length + 1)}</h3>
          <ol class="plain-list">
            {thread.data!.messages.map((o) => (
              <li key={o.id} class={o.id === x.id ? 'thread-current' : ''}>
                {o.id === x.id ? (
                  <strong>{o.subject || t('mail.no_subject')}</strong>
                ) : (
                  <Link href={`/correspondence?id=${o.id}`}>{o.subject || t('mail.no_subject')}</Link>
                )}
                <div class="small muted">
                  {o.from.name || o.from.address} · {formatDateTime(o.date)}
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}

      {edit && <ReaderActions m={x} matched={names.data ?? []} run={act.run} onPatch={patch} onLinked={linked} />}
    </article>
  );
}

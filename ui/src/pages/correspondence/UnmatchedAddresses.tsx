// Sender addresses that match no stakeholder, most frequent first, one page
// at a time, each to link to an existing stakeholder or to a new person.
import { useState } from 'preact/hooks';
import { endpoints, type UnmatchedAddress } from '../../api';
import { CreatePersonForm } from '../../components/CreatePersonForm';
import { StakeholderPicker, type Picked } from '../../components/StakeholderPicker';
import { Empty, ErrorBox, Loading, LoadMore, Notice } from '../../components/States';
import { errorMessage } from '../../errors';
import { formatDateTime } from '../../format';
import { useAction, usePaged } from '../../hooks';
import { t, tn } from '../../i18n';
import { canEdit, useSession } from '../../session';
import { Table } from '../../components/Table';

export function UnmatchedAddresses() {
  const { user } = useSession();
  const list = usePaged((cursor) => endpoints.unmatchedAddresses({ cursor, limit: 50 }), []);
  const [open, setOpen] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const link = useAction();
  const edit = canEdit(user);
  const [creating, setCreating] = useState<string | null>(null);

  const done = (a: UnmatchedAddress, r: { rematched: number }) => {
    setMsg(tn('mail.address_linked', r.rematched, { address: a.address }));
    setOpen(null);
    list.setItems((items) => items.filter((x) => x.address !== a.address));
  };
  const linkExisting = (a: UnmatchedAddress, p: Picked) => link.run(async () => done(a, await endpoints.linkAddress({ address: a.address, stakeholder_id: p.id })));

  return (
    <section aria-labelledby="ua-h" data-testid="unmatched-addresses">
      <h2 id="ua-h">{t('mail.queue_addresses')}</h2>
      <ErrorBox error={list.items.length === 0 ? list.error : null} onRetry={list.retry} />
      {msg && <Notice>{msg}</Notice>}
      {!!link.error && <p role="alert" class="field-error">{errorMessage(link.error)}</p>}
      {!list.error && !list.items.length && !list.loading && <Empty>{t('mail.no_addresses')}</Empty>}
      {!!list.items.length && (
        <Table columns={[t('mail.address'), t('mail.count'), { label: t('mail.last_at'), class: 'hide-narrow' }, ...(edit ? [t('common.actions')] : [])]}>
          {list.items.map((a) => {
            const key = a.address.replace(/[^a-z0-9]/gi, '-');
            return (
              <tr key={a.address} data-testid="address-row" data-address={a.address}>
                <td>
                  {a.name && <div>{a.name}</div>}
                  <span class="small">{a.address}</span>
                </td>
                <td>{a.count}</td>
                <td class="hide-narrow">{formatDateTime(a.last_at)}</td>
                {edit && (
                  <td>
                    <div class="row">
                      <button type="button" class="btn btn-small" aria-expanded={open === a.address} onClick={() => setOpen(open === a.address ? null : a.address)}>
                        {t('mail.link_existing')}
                      </button>
                      <button type="button" class="btn btn-small" aria-expanded={creating === a.address} onClick={() => setCreating(creating === a.address ? null : a.address)} data-testid="create-from-address">
                        {t('mail.create_person')}
                      </button>
                    </div>
                    {creating === a.address && (
                      <CreatePersonForm
                        id={`ua-new-${key}`}
                        address={a.address}
                        name={a.name || ''}
                        onDone={(r) => {
                          setCreating(null);
                          done(a, r);
                        }}
                      />
                    )}
                    {open === a.address && <StakeholderPicker id={`ua-${key}`} label={t('mail.link_to', { address: a.address })} onPick={(p) => void linkExisting(a, p)} />}
                  </td>
                )}
              </tr>
            );
          })}
        </Table>
      )}
      {list.loading && !list.loadingMore && <Loading />}
      <LoadMore list={list} testid="addresses-more" />
    </section>
  );
}

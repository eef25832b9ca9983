// Admin: users (roles, regions), mailboxes (sync state) and CSV import with a dry run.
import { useState } from 'preact/hooks';
import { endpoints, type ImportResult, type User } from '../api';
import { Badge } from '../components/Badge';
import { RemindersAdmin } from '../components/RemindersAdmin';
import { CheckGroup, enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { Empty, ErrorBox, Loading, Notice } from '../components/States';
import { fieldErrorsOf } from '../errors';
import { formatDateTime } from '../format';
import { useAction, useAsync, useTitle } from '../hooks';
import { t, te, tn } from '../i18n';
import { Link } from '../router';
import { isAdminOfAll, useSession } from '../session';
import { useSave } from '../save';
import { validateUser } from '../validation';
import AdminData from './AdminData';
import './Admin.css';
import { Table } from '../components/Table';
import { FormActions } from '../components/FormActions';
import { ResetTwoFactor } from '../components/TwoFactor';

const TABS = ['users', 'mailboxes', 'import', 'reminders', 'data'];
// An admin of some regions manages their users and imports; the rest concerns every region.
const REGIONAL_TABS = ['users', 'import'];

export default function Admin({ tab }: { tab: string }) {
  useTitle(t('nav.admin'));
  const tabs = isAdminOfAll(useSession().user) ? TABS : REGIONAL_TABS;
  return (
    <section>
      <h1>{t('nav.admin')}</h1>
      <nav class="admin-tabs" aria-label={t('nav.admin')}>
        <ul>
          {tabs.map((k) => (
            <li key={k}>
              <Link href={`/admin/${k}`} aria-current={tab === k ? 'page' : undefined} data-testid={`admin-tab-${k}`}>
                {t(`admin.${k}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'users' && <Users />}
      {tab === 'mailboxes' && tabs.includes(tab) && <Mailboxes />}
      {tab === 'import' && <Import />}
      {tab === 'reminders' && tabs.includes(tab) && <RemindersAdmin />}
      {tab === 'data' && tabs.includes(tab) && <AdminData />}
      {!tabs.includes(tab) && <Empty>{t('error.not_found')}</Empty>}
    </section>
  );
}

interface UserForm {
  email: string;
  name: string;
  role: string;
  regions: string[];
  password: string;
  disabled: boolean;
}

function Users() {
  const list = useAsync(() => endpoints.users({ limit: 200 }), []);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const { regions } = useSession();
  if (list.loading && !list.data) return <Loading />;
  const saved = () => {
    setEditing(null);
    setNotice(t('common.saved'));
    list.reload();
  };
  return (
    <section aria-labelledby="users-h" data-testid="admin-users">
      <div class="page-head">
        <h2 id="users-h">{t('admin.users')}</h2>
        <button type="button" class="btn btn-primary" onClick={() => setEditing('new')} data-testid="new-user">
          {t('admin.new_user')}
        </button>
      </div>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {notice && <Notice>{notice}</Notice>}
      {editing && <UserEditor key={editing === 'new' ? 'new' : editing.id} user={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      {list.data && (
        <Table columns={[t('admin.name'), t('auth.email'), t('admin.role'), t('common.regions'), t('common.actions')]}>
          {list.data.items.map((u) => (
            <tr key={u.id} data-testid="user-row" data-email={u.email}>
              <td>
                {u.name} {u.disabled && <Badge group="admin" value="disabled" />}
              </td>
              <td>{u.email}</td>
              <td>{te('role', u.role)}</td>
              <td>{u.regions.includes('all') ? t('admin.all_regions') : u.regions.map((r) => regions.find((x) => x.code === r)?.name ?? r).join(', ')}</td>
              <td>
                <button type="button" class="btn btn-small" onClick={() => setEditing(u)} aria-label={t('admin.edit_user', { name: u.name || u.email })}>
                  {t('common.edit')}
                </button>
                {u.two_factor && <ResetTwoFactor user={u} onDone={(msg) => { setNotice(msg); list.reload(); }} />}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function UserEditor({ user, onSaved, onCancel }: { user: User | null; onSaved: () => void; onCancel: () => void }) {
  const { regions, enums } = useSession();
  const creating = !user;
  const [f, setF] = useState<UserForm>({
    email: user?.email ?? '',
    name: user?.name ?? '',
    role: user?.role ?? 'officer',
    regions: user?.regions ?? [],
    password: '',
    disabled: user?.disabled ?? false,
  });
  const { errors, error: err, busy, run } = useSave();
  const set = <K extends keyof UserForm>(k: K) => (v: UserForm[K]) => setF((o) => ({ ...o, [k]: v }));

  const submit = (e: Event) => {
    e.preventDefault();
    void run(validateUser(f, creating), async () => {
      if (creating) await endpoints.createUser({ email: f.email.trim(), name: f.name.trim(), role: f.role as User['role'], regions: f.regions, password: f.password });
      else
        await endpoints.updateUser(user!.id, {
          name: f.name.trim(),
          role: f.role as User['role'],
          regions: f.regions,
          disabled: f.disabled,
          ...(f.password ? { password: f.password } : {}),
          version: user!.version,
        });
      onSaved();
    });
  };

  const regionOpts = [{ value: 'all', label: t('admin.all_regions') }, ...regions.map((r) => ({ value: r.code, label: r.name }))];
  return (
    <form class="card admin-editor" onSubmit={submit} noValidate data-testid="user-form" aria-labelledby="ue-h">
      <h3 id="ue-h">{creating ? t('admin.new_user') : t('admin.edit_user', { name: user!.name || user!.email })}</h3>
      <ErrorBox error={err} onReload={onCancel} />
      <div class="form-grid">
        <TextInput id="u-email" type="email" label={t('auth.email')} value={f.email} onValue={set('email')} error={errors.email} required disabled={!creating} />
        <TextInput id="u-name" label={t('admin.name')} value={f.name} onValue={set('name')} error={errors.name} required />
        <Select id="u-role" label={t('admin.role')} value={f.role} options={enumOptions('role', enums.roles)} onValue={set('role')} error={errors.role} required />
        <TextInput id="u-password" type="password" autoComplete="new-password" label={creating ? t('auth.password') : t('admin.new_password')} hint={t('admin.password_hint')} value={f.password} onValue={set('password')} error={errors.password} required={creating} />
      </div>
      <CheckGroup legend={t('common.regions')} name="u-regions" values={f.regions} options={regionOpts} onValues={(v) => set('regions')(v.includes('all') && !f.regions.includes('all') ? ['all'] : v.filter((x) => x !== 'all' || v.length === 1))} error={errors.regions} />
      {!creating && (
        <label class="check">
          <input type="checkbox" checked={f.disabled} onChange={(e) => set('disabled')(e.currentTarget.checked)} />
          {t('admin.disabled')}
        </label>
      )}
      <FormActions busy={busy} testid="save-user" onCancel={onCancel} end />
    </form>
  );
}

function Mailboxes() {
  const list = useAsync(() => endpoints.mailboxes(), []);
  if (list.loading) return <Loading />;
  return (
    <section aria-labelledby="mb-h" data-testid="admin-mailboxes">
      <h2 id="mb-h">{t('admin.mailboxes')}</h2>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {!list.error && !list.data?.items.length && <Empty>{t('admin.no_mailboxes')}</Empty>}
      {list.data?.items.map((mb) => (
        <article key={mb.id} class="card admin-mailbox" aria-labelledby={`mb-${mb.id}`} data-testid="mailbox">
          <h3 id={`mb-${mb.id}`}>{mb.name}</h3>
          <p class="small muted">
            {mb.username} @ {mb.host}:{mb.port} ({mb.tls})
            {mb.lease_holder && ` · ${t('admin.lease', { holder: mb.lease_holder, until: formatDateTime(mb.lease_until) })}`}
          </p>
          <Table columns={[t('admin.folder'), t('admin.last_success'), t('admin.last_error'), t('admin.imported'), t('admin.duplicates'), t('admin.failed')]}>
            {mb.folders.map((f) => (
              <tr key={f.name} class={f.last_error ? 'row-error' : ''}>
                <td>{f.name}</td>
                <td>{formatDateTime(f.last_success_at) || '—'}</td>
                <td>
                  {f.last_error ? (
                    <>
                      {/* The reason in the reader's language; the server's technical text (English) below it. */}
                      <span class="admin-error">{f.last_error_reason ? te('sync_reason', f.last_error_reason) : f.last_error}</span>
                      {f.last_error_reason && (
                        <div class="small muted" lang="en">
                          {f.last_error}
                        </div>
                      )}
                      <div class="small muted">{formatDateTime(f.last_error_at)}</div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{f.imported}</td>
                <td>{f.duplicates}</td>
                <td>{f.failed}</td>
              </tr>
            ))}
          </Table>
        </article>
      ))}
    </section>
  );
}

function Import() {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const { error: err, busy, run: act } = useAction();

  const readFile = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setCsv((await file.text()).replace(/^\uFEFF/, ''));
    setPreview(null);
    setResult(null);
  };
  const run = (dry: boolean) =>
    act(async () => {
      const r = await endpoints.importStakeholders(csv, dry);
      if (dry) setPreview(r);
      else {
        setResult(r);
        setPreview(null);
      }
    });
  return (
    <section aria-labelledby="imp-h" data-testid="admin-import">
      <h2 id="imp-h">{t('admin.import')}</h2>
      <p class="muted">{t('admin.import_help')}</p>
      <div class="field">
        <label for="imp-file">{t('admin.import_file')}</label>
        <input id="imp-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />
      </div>
      <TextArea
        id="imp-csv"
        label={t('admin.import_csv')}
        value={csv}
        onValue={(v) => {
          setCsv(v);
          setPreview(null);
        }}
        rows={8}
        error={Object.values(fieldErrorsOf(err))[0]}
      />
      <ErrorBox error={err} />
      <div class="row">
        <button type="button" class="btn" disabled={!csv.trim() || busy} onClick={() => void run(true)} data-testid="import-dry-run">
          {t('admin.dry_run')}
        </button>
        <button type="button" class="btn btn-primary" disabled={!preview || preview.valid === 0 || busy} onClick={() => void run(false)} data-testid="import-run">
          {tn('admin.import_now', preview?.valid ?? 0)}
        </button>
      </div>
      {result && <Notice>{tn('admin.imported_n', result.created)}</Notice>}
      {preview && (
        <div class="card admin-preview" data-testid="import-preview" role="status">
          <p>
            <strong>{t('admin.preview_summary', { valid: tn('count.valid_rows', preview.valid), errors: tn('count.rows_with_errors', preview.errors.length), duplicates: tn('count.duplicates', preview.duplicates.length) })}</strong>
          </p>
          {preview.errors.length > 0 && (
            <Table columns={[t('admin.row'), t('admin.field'), t('admin.message')]} caption={t('admin.preview_errors')}>
              {preview.errors.map((e, i) => (
                <tr key={i}>
                  <td>{e.row}</td>
                  <td>{e.field}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </Table>
          )}
          {preview.duplicates.length > 0 && (
            <Table columns={[t('admin.row'), t('admin.existing'), t('admin.reason')]} caption={t('admin.preview_duplicates')}>
              {preview.duplicates.map((d, i) => (
                <tr key={i}>
                  <td>{d.row}</td>
                  <td>
                    <Link href={`/stakeholders/${d.existing_id}`}>{t('admin.open')}</Link>
                  </td>
                  <td>{d.reason}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
      )}
    </section>
  );
}

// The signed-in user's own settings: the email digest of reminders, the private calendar feed
// (with its optional reminder before meetings) and two-step verification (the only screen of a
// user who must enrol it first).
import { useState } from 'preact/hooks';
import { endpoints, type Me } from '../api';
import { Select } from '../components/Field';
import { useSave } from '../save';
import { ErrorBox, Loading, Notice } from '../components/States';
import { useAction, useAsync, useTitle } from '../hooks';
import { getLang, t } from '../i18n';
import { SaveButton } from '../components/FormActions';
import { Section } from '../components/Section';
import { TwoFactor } from '../components/TwoFactor';
import { enrolled } from '../session';

export default function Profile() {
  useTitle(t('profile.title'));
  const me = useAsync(() => endpoints.myself(), []);
  return (
    <section data-testid="profile">
      <h1>{t('profile.title')}</h1>
      {me.loading && <Loading />}
      <ErrorBox error={me.error} onRetry={me.reload} />
      {me.data && me.data.two_factor_required && !me.data.two_factor ? (
        <TwoFactor me={me.data} onChanged={() => { me.reload(); enrolled(); }} />
      ) : (
        me.data && (
          <>
            <Digest me={me.data} onSaved={me.setData} />
            <CalendarFeed me={me.data} onChanged={me.reload} />
            <CalendarAlarm me={me.data} onSaved={me.setData} />
            <TwoFactor me={me.data} onChanged={me.reload} />
          </>
        )
      )}
    </section>
  );
}

function Digest({ me, onSaved }: { me: Me; onSaved: (m: Me) => void }) {
  const [digest, setDigest] = useState<string>(me.digest);
  // A refusal (no mail server: smtp_not_configured) explains itself on the field.
  const { busy, error, errors, run } = useSave();
  const [saved, setSaved] = useState(false);
  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void run({}, async () => {
      // The digest goes out in the language the app is used in.
      onSaved(await endpoints.updateMe({ digest: digest as Me['digest'], lang: getLang() }));
      setSaved(true);
    });
  };
  return (
    <form class="card" onSubmit={save} aria-labelledby="pd-h" data-testid="digest-form">
      <h2 id="pd-h">{t('profile.digest')}</h2>
      <p class="muted small">{t('profile.digest_help')}</p>
      <Select id="digest" label={t('profile.digest_frequency')} value={digest} options={['off', 'daily', 'weekly'].map((v) => ({ value: v, label: t(`profile.digest_${v}`) }))} onValue={setDigest} error={errors.digest} />
      {!errors.digest && <ErrorBox error={error} />}
      {saved && <Notice>{t('common.saved')}</Notice>}
      <SaveButton busy={busy} testid="save-digest" />
    </form>
  );
}

function CalendarFeed({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [url, setUrl] = useState('');
  const { busy, error, run } = useAction();
  const create = () => run(async () => setUrl((await endpoints.createCalendarFeed()).url));
  const revoke = () =>
    run(async () => {
      if (!confirm(t('profile.calendar_revoke_confirm'))) return;
      await endpoints.deleteCalendarFeed();
      setUrl('');
      onChanged();
    });
  return (
    <Section id="pc-h" title={t('profile.calendar')} testid="calendar-feed">
      <p class="muted small">{t('profile.calendar_help')}</p>
      <ErrorBox error={error} />
      {url && (
        <div class="field">
          <label for="calendar-url">{t('profile.calendar_url')}</label>
          <input id="calendar-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="calendar-url" />
          <span class="field-hint">{t('profile.calendar_secret')}</span>
        </div>
      )}
      {!url && me.calendar_feed && <p data-testid="calendar-on">{t('profile.calendar_on')}</p>}
      <div class="row">
        <button type="button" class="btn" disabled={busy} onClick={() => void create()} data-testid="calendar-create">
          {me.calendar_feed || url ? t('profile.calendar_renew') : t('profile.calendar_create')}
        </button>
        {(me.calendar_feed || url) && (
          <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void revoke()} data-testid="calendar-revoke">
            {t('profile.calendar_revoke')}
          </button>
        )}
      </div>
    </Section>
  );
}

// Minutes before a meeting the calendar feed's reminder rings; 0: none.
const alarmChoices = [0, 10, 30, 60, 120, 1440];

function CalendarAlarm({ me, onSaved }: { me: Me; onSaved: (m: Me) => void }) {
  const [alarm, setAlarm] = useState(String(me.calendar_alarm_min ?? 0));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const options = alarmChoices.map((m) => ({ value: String(m), label: t(`profile.calendar_alarm_${m}`) }));
  if (!alarmChoices.includes(Number(alarm))) options.push({ value: alarm, label: `${alarm} min` });
  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      onSaved(await endpoints.updateMe({ calendar_alarm_min: Number(alarm) }));
      setSaved(true);
    });
  };
  return (
    <form class="card" onSubmit={save} aria-labelledby="pa-h" data-testid="calendar-alarm-form">
      <h2 id="pa-h">{t('profile.calendar_alarm')}</h2>
      <p class="muted small">{t('profile.calendar_alarm_help')}</p>
      <Select id="calendar-alarm" label={t('profile.calendar_alarm_when')} value={alarm} options={options} onValue={setAlarm} />
      <ErrorBox error={error} />
      {saved && <Notice>{t('common.saved')}</Notice>}
      <SaveButton busy={busy} testid="save-calendar-alarm" />
    </form>
  );
}

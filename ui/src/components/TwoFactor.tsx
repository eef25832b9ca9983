// Two-step verification (TOTP): enrolment in the profile, and an admin's reset of a user's.
import { useState } from 'preact/hooks';
import { endpoints, type Me, type TOTPEnrolment, type User } from '../api';
import { fieldErrorsOf } from '../errors';
import { useAction } from '../hooks';
import { t } from '../i18n';
import { TextInput } from './Field';
import { lazy } from './Lazy';
import { Section } from './Section';
import { ErrorBox } from './States';
import './TwoFactor.css';

const QrCode = lazy<{ text: string; label: string }>(() => import('./QrCode'));

/** TwoFactor turns on (or moves to a new phone) the user's second factor; the recovery codes show once. */
export function TwoFactor({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [enrolment, setEnrolment] = useState<TOTPEnrolment | null>(null);
  const [current, setCurrent] = useState('');
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();
  const errors = fieldErrorsOf(error);

  const start = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      setEnrolment(await endpoints.startTOTP(me.two_factor ? current : undefined));
      setCurrent('');
    });
  };
  const confirm = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      setCodes((await endpoints.confirmTOTP(code)).recovery_codes);
      setEnrolment(null);
      setCode('');
    });
  };

  return (
    <Section id="totp-h" title={t('profile.totp')} testid="totp">
      <p class="muted small">{t('profile.totp_help')}</p>
      {me.two_factor_required && !me.two_factor && !codes && <p class="state state-error" role="alert" data-testid="totp-required">{t('profile.totp_required')}</p>}
      {!codes && <p data-testid="totp-state">{me.two_factor ? t('profile.totp_on') : t('profile.totp_off')}</p>}
      <ErrorBox error={errors.code ? null : error} />
      {codes && (
        <div data-testid="totp-recovery">
          <h3>{t('profile.totp_recovery')}</h3>
          <p>{t('profile.totp_recovery_help')}</p>
          <ul class="recovery-codes">
            {codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <button type="button" class="btn btn-primary" onClick={() => { setCodes(null); onChanged(); }} data-testid="totp-done">
            {t('profile.totp_done')}
          </button>
        </div>
      )}
      {!codes && !enrolment && (
        <form onSubmit={start} noValidate>
          {me.two_factor && (
            <TextInput id="totp-current" label={t('profile.totp_current_code')} value={current} onValue={setCurrent} error={errors.code}
              inputMode="numeric" autoComplete="one-time-code" required />
          )}
          <button type="submit" class="btn" disabled={busy} data-testid="totp-start">
            {me.two_factor ? t('profile.totp_restart') : t('profile.totp_start')}
          </button>
        </form>
      )}
      {enrolment && (
        <form onSubmit={confirm} noValidate data-testid="totp-enrol">
          <p>{t('profile.totp_scan')}</p>
          <QrCode text={enrolment.otpauth_uri} label={t('profile.totp_qr')} />
          <p>
            {t('profile.totp_secret')}: <span class="totp-secret" data-testid="totp-secret">{enrolment.secret}</span>
          </p>
          <TextInput id="totp-code" label={t('profile.totp_code')} value={code} onValue={setCode} error={errors.code}
            inputMode="numeric" autoComplete="one-time-code" required />
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="totp-confirm">
            {t('profile.totp_confirm')}
          </button>
        </form>
      )}
    </Section>
  );
}

/** ResetTwoFactor lets an admin take away a user's second factor (a lost phone). */
export function ResetTwoFactor({ user, onDone }: { user: User; onDone: (notice: string) => void }) {
  const { busy, error, run } = useAction();
  const name = user.name || user.email;
  const reset = () =>
    run(async () => {
      if (!confirm(t('admin.totp_reset_confirm', { name }))) return;
      await endpoints.resetTOTP(user.id);
      onDone(t('admin.totp_reset_done', { name }));
    });
  return (
    <>
      <button type="button" class="btn btn-small" disabled={busy} onClick={() => void reset()} aria-label={t('admin.totp_reset_user', { name })} data-testid="totp-reset">
        {t('admin.totp_reset')}
      </button>
      <ErrorBox error={error} />
    </>
  );
}


import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { TextInput } from '../components/Field';
import { ErrorBox } from '../components/States';
import { getLang, setLang, t } from '../i18n';
import { useAction, useTitle } from '../hooks';
import { signIn } from '../session';
import { hasErrors, validateLogin, type Errors } from '../validation';
import './Login.css';

export function Login({ expired }: { expired?: boolean }) {
  useTitle(t('auth.sign_in'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const { error, busy, run, setError } = useAction();
  const [wrong, setWrong] = useState(false);
  // The second step: the server said this account needs a code (totp_required).
  const [asksCode, setAsksCode] = useState(false);
  const [code, setCode] = useState('');
  const lang = getLang();

  const submit = async (e: Event) => {
    e.preventDefault();
    const v = validateLogin({ email, password });
    setErrors(v);
    if (hasErrors(v)) return;
    setWrong(false);
    await run(
      () => signIn(email.trim(), password, asksCode ? code.trim() : undefined),
      (err) => {
        // A refused sign-in is about the email, password or code, not an ended session.
        const refused = err instanceof ApiError && err.status === 401;
        const code = err instanceof ApiError ? err.code : '';
        if (refused) setError(null);
        setWrong(refused && code !== 'totp_required');
        if (code === 'totp_required' || code === 'totp_invalid') setAsksCode(true);
        // The password stays while the code is asked (its field is hidden then).
        else if (!asksCode) setPassword('');
        setCode('');
      },
    );
  };

  return (
    <main class="login" id="main">
      <form class="login-card card" onSubmit={submit} noValidate aria-labelledby="login-title" data-testid="login-form">
        <div class="login-top">
          <h1 id="login-title">Alianza</h1>
          <button type="button" class="btn btn-small" onClick={() => setLang(lang === 'es' ? 'en' : 'es')} data-testid="lang-switch">
            {lang === 'es' ? 'English' : 'Español'}
          </button>
        </div>
        <p class="muted">{t('auth.intro')}</p>
        {expired && !wrong && <p class="login-expired" role="status">{t('auth.expired')}</p>}
        <ErrorBox error={error} />
        {wrong && (
          <p class="state state-error" role="alert" data-testid="error">
            {asksCode ? t('auth.code_wrong') : t('auth.wrong_password')}
          </p>
        )}
        {asksCode ? (
          <>
            <p>{t('auth.code_help')}</p>
            <TextInput id="totp" label={t('auth.code')} value={code} onValue={setCode} inputMode="numeric" autoComplete="one-time-code" autoFocus required data-testid="totp-code" />
            <button type="button" class="btn btn-small" onClick={() => { setAsksCode(false); setWrong(false); setPassword(''); }}>
              {t('auth.code_back')}
            </button>
          </>
        ) : (
          <>
            <TextInput id="email" type="email" autoComplete="username" label={t('auth.email')} value={email} onValue={setEmail} error={errors.email} required />
            <TextInput id="password" type="password" autoComplete="current-password" label={t('auth.password')} value={password} onValue={setPassword} error={errors.password} required />
          </>
        )}
        <button type="submit" class="btn btn-primary login-submit" disabled={busy} data-testid="sign-in">
          {busy ? t('auth.signing_in') : t('auth.sign_in')}
        </button>
      </form>
    </main>
  );
}

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
  const lang = getLang();

  const submit = async (e: Event) => {
    e.preventDefault();
    const v = validateLogin({ email, password });
    setErrors(v);
    if (hasErrors(v)) return;
    setWrong(false);
    await run(
      () => signIn(email.trim(), password),
      (err) => {
        // A refused sign-in is about the email or password, not an ended session.
        const refused = err instanceof ApiError && err.status === 401;
        setWrong(refused);
        if (refused) setError(null);
        setPassword('');
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
            {t('auth.wrong_password')}
          </p>
        )}
        <TextInput id="email" type="email" autoComplete="username" label={t('auth.email')} value={email} onValue={setEmail} error={errors.email} required />
        <TextInput id="password" type="password" autoComplete="current-password" label={t('auth.password')} value={password} onValue={setPassword} error={errors.password} required />
        <button type="submit" class="btn btn-primary login-submit" disabled={busy} data-testid="sign-in">
          {busy ? t('auth.signing_in') : t('auth.sign_in')}
        </button>
      </form>
    </main>
  );
}

// What a read-only user sees when a write screen is reached by URL.
import { t } from '../i18n';
import { Link } from '../router';

export function ReadOnlyNotice() {
  return (
    <section data-testid="read-only">
      <h1>{t('readonly.title')}</h1>
      <p>{t('readonly.body')}</p>
      <Link href="/">{t('nav.home')}</Link>
    </section>
  );
}

import { t } from '../i18n';
import { Link } from '../router';

export function NotFound({ forbidden }: { forbidden?: boolean }) {
  return (
    <section>
      <h1>{forbidden ? t('error.forbidden_title') : t('error.not_found_title')}</h1>
      <p>{forbidden ? t('error.forbidden') : t('error.not_found')}</p>
      <Link href="/">{t('nav.home')}</Link>
    </section>
  );
}

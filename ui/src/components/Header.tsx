// Top bar: navigation (shaped by role), search across everything, language and sign-out.
import { useState } from 'preact/hooks';
import type { User } from '../api';
import { getLang, setLang, t, te } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { canEdit, canReadReports, isAdmin, signOut } from '../session';
import { NotificationCenter } from './NotificationCenter';
import './Header.css';

export function Header({ user }: { user: User }) {
  const loc = useLocation();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const links: { href: string; label: string; id: string; show: boolean }[] = [
    { href: '/', label: t('nav.home'), id: 'home', show: true },
    { href: '/stakeholders', label: t('nav.stakeholders'), id: 'stakeholders', show: true },
    { href: '/meetings/new', label: t('nav.log_meeting'), id: 'log-meeting', show: canEdit(user) },
    { href: '/meetings', label: t('nav.meetings'), id: 'meetings', show: true },
    { href: '/tasks', label: t('nav.tasks'), id: 'tasks', show: canEdit(user) },
    { href: '/commitments', label: t('nav.commitments'), id: 'commitments', show: true },
    { href: '/initiatives', label: t('nav.initiatives'), id: 'initiatives', show: true },
    { href: '/correspondence', label: t('nav.correspondence'), id: 'correspondence', show: true },
    { href: '/results', label: t('nav.results'), id: 'results', show: true },
    { href: '/reports', label: t('nav.reports'), id: 'reports', show: canReadReports(user) },
    { href: '/admin/users', label: t('nav.admin'), id: 'admin', show: isAdmin(user) },
  ];
  const current = (href: string) => (href === '/' ? loc.path === '/' : loc.path === href || loc.path.startsWith(`${href}/`));
  const search = (e: Event) => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
    setOpen(false);
  };
  const lang = getLang();
  return (
    <header class="hdr">
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <div class="hdr-bar">
        <Link href="/" class="hdr-brand">
          Alianza
        </Link>
        <button type="button" class="hdr-menu" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
          {t('nav.menu')}
        </button>
        <form class="hdr-search" role="search" onSubmit={search}>
          <label for="global-search" class="sr-only">
            {t('search.label')}
          </label>
          <input id="global-search" type="search" placeholder={t('search.placeholder')} value={q} onInput={(e) => setQ(e.currentTarget.value)} data-testid="global-search" />
          <button type="submit" class="btn btn-small">
            {t('search.go')}
          </button>
        </form>
        <div class="hdr-user">
          <button
            type="button"
            class="btn btn-small hdr-lang"
            lang={lang === 'es' ? 'en' : 'es'}
            onClick={() => setLang(lang === 'es' ? 'en' : 'es')}
            data-testid="lang-switch"
            title={lang === 'es' ? 'Switch to English' : 'Cambiar a español'}
          >
            {lang === 'es' ? 'EN' : 'ES'}
          </button>
          <NotificationCenter />
          <Link href="/profile" class="hdr-who" data-testid="current-user" data-role={user.role} title={`${user.name || user.email} · ${te('role', user.role)}`}>
            {user.name || user.email} <span class="hdr-role">· {te('role', user.role)}</span>
          </Link>
          <button type="button" class="btn btn-small hdr-out" onClick={() => void signOut().then(() => navigate('/', true))} data-testid="sign-out">
            {t('auth.sign_out')}
          </button>
        </div>
      </div>
      <nav id="main-nav" class={`hdr-nav${open ? ' open' : ''}`} aria-label={t('nav.main')}>
        <ul>
          {links
            .filter((l) => l.show)
            .map((l) => (
              <li key={l.href}>
                <Link href={l.href} aria-current={current(l.href) ? 'page' : undefined} data-testid={`nav-${l.id}`} onClick={() => setOpen(false)}>
                  {l.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
    </header>
  );
}

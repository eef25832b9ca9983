import { render } from 'preact';
import { App } from './app';
import { getLang, loadLang } from './i18n';
import { start } from './session';
import './styles/tokens.css';

document.documentElement.lang = getLang();
// English words are fetched before the first paint of an English visit; Spanish is built in.
// The session starts after the first render, so that what it reports (the outbox sent) is seen.
void loadLang(getLang())
  .catch(() => undefined)
  .finally(() => {
    render(<App />, document.getElementById('app')!);
    void start();
  });

// The service worker keeps the app shell for use without signal (public/sw.js).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}

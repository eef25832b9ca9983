import { render } from 'preact';
import { App } from './app';
import { getLang } from './i18n';
import { start } from './session';
import './styles/tokens.css';

document.documentElement.lang = getLang();
render(<App />, document.getElementById('app')!);
void start();

// The service worker keeps the app shell for use without signal (public/sw.js).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}

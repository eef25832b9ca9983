import { render } from 'preact';
import { App } from './app';
import { getLang } from './i18n';
import { start } from './session';
import './styles/tokens.css';

document.documentElement.lang = getLang();
render(<App />, document.getElementById('app')!);
void start();

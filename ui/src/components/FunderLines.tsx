// The funder lines (legislators' agreements, people trained), each with its period, in the UI
// language with the other language folded away, and a button that copies both lines.
import { useState } from 'preact/hooks';
import { getLang, t } from '../i18n';

export type Line = { es: string; en: string };

/** linesText is what the copy button puts on the clipboard: the lines in one language, one per line. */
export function linesText(lines: Line[], lang: 'es' | 'en'): string {
  return lines.map((l) => l[lang]).join('\n');
}

export function FunderLines({ lines, testid }: { lines: Line[]; testid?: string }) {
  const [copied, setCopied] = useState(false);
  const lang = getLang();
  const other = lang === 'es' ? 'en' : 'es';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(linesText(lines, lang));
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    } catch {
      setCopied(false);
    }
  };
  if (!lines.length) return null;
  return (
    <div class="funder-lines" data-testid={testid ?? 'funder-lines'}>
      {lines.map((l, i) => (
        <p key={i} class="report-summary-line" lang={lang} data-testid="funder-line">
          {l[lang]}
        </p>
      ))}
      <div class="row no-print">
        <button type="button" class="btn btn-small" onClick={() => void copy()} data-testid="copy-funder-lines">
          {t('report.copy_lines')}
        </button>
        <span role="status" class="small muted">
          {copied ? t('report.copied') : ''}
        </span>
      </div>
      <details class="no-print">
        <summary>{lang === 'es' ? 'English' : 'Español'}</summary>
        {lines.map((l, i) => (
          <p key={i} lang={other}>
            {l[other]}
          </p>
        ))}
      </details>
    </div>
  );
}

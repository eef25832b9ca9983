// The period both report pages read, kept in the URL (?from=&to=) so a
// report can be shared; empty means the server's default period.
import { TextInput } from '../components/Field';
import { t } from '../i18n';
import { useQuery } from '../router';

/** useReportPeriod is the period asked in the URL, and a key that changes with it. */
export function useReportPeriod() {
  const [q] = useQuery();
  const range = { from: q.from, to: q.to };
  return { range, key: JSON.stringify(range) };
}

/** PeriodFields edit the period; shown fills a date the URL leaves out (the period the server chose). */
export function PeriodFields({ idPrefix, shown }: { idPrefix: string; shown?: { from?: string; to?: string } }) {
  const [q, setQuery] = useQuery();
  return (
    <>
      <TextInput id={`${idPrefix}-from`} type="date" label={t('report.from')} value={q.from ?? shown?.from ?? ''} onValue={(v) => setQuery({ from: v })} />
      <TextInput id={`${idPrefix}-to`} type="date" label={t('report.to')} value={q.to ?? shown?.to ?? ''} onValue={(v) => setQuery({ to: v })} />
    </>
  );
}

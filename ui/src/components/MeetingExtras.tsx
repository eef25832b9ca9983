// What a meeting page shows beyond the meeting itself: the audience of a training, and its
// calendar event to download (GET /meetings/{id}/calendar.ics).
import { api, type Meeting } from '../api';
import { t, te, tn } from '../i18n';
import { Section } from './Section';

export function MeetingExtras({ m }: { m: Meeting }) {
  const tr = m.training;
  const people = tr ? tr.audience.reduce((s, a) => s + a.count, 0) : 0;
  return (
    <>
      <div class="row no-print">
        <button type="button" class="btn btn-small" onClick={() => void api.download(`/meetings/${m.id}/calendar.ics`, {}, 'reunion.ics')} data-testid="meeting-ics">
          {t('meeting.add_to_calendar')}
        </button>
      </div>
      {tr && (
        <Section id="md-training" title={t('training.title')} testid="meeting-training">
          <p>
            {te('modality', tr.modality)} · {tn('training.total', people)}
          </p>
          <ul class="plain-list">
            {tr.audience.map((a) => (
              <li key={a.type}>
                {te('audience', a.type)}: {a.count}
              </li>
            ))}
          </ul>
          {tr.topics.length > 0 && (
            <>
              <h3>{t('training.topics')}</h3>
              <ul>
                {tr.topics.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </>
          )}
        </Section>
      )}
    </>
  );
}


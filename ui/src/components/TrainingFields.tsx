// The audience of a training: people counted per audience type, the modality and the topics,
// with no stakeholder record per attendee.
import type { Training } from '../api';
import { enumOptions, Select, TextArea, TextInput } from './Field';
import { t, te, tn } from '../i18n';
import { itemTooLong, type Errors } from '../validation';
import { limit } from '../limits';
import { Section } from './Section';

export const AUDIENCE_TYPES: Training['audience'][number]['type'][] = ['public_defenders', 'judges', 'prosecutors', 'police', 'regional_officials', 'civil_society', 'other'];
export const TRAINING_MODALITIES: Training['modality'][] = ['in_person', 'virtual', 'hybrid'];

/** TrainingDraft keeps counts as typed text, one per audience type, and topics one per line. */
export interface TrainingDraft {
  modality: string;
  counts: Record<string, string>;
  /** optional women and men per audience type, where the team records them */
  women?: Record<string, string>;
  men?: Record<string, string>;
  topics: string;
}

/** sexCount is an optional women or men count as the API takes it (absent when left empty). */
function sexCount(v: string | undefined): number | undefined {
  return v === undefined || v.trim() === '' ? undefined : Number(v);
}

export function emptyTraining(): TrainingDraft {
  return { modality: 'in_person', counts: {}, topics: '' };
}

/** toTraining turns the draft into the API's training (audience in the enum's order). */
export function toTraining(d: TrainingDraft): Training {
  return {
    modality: d.modality as Training['modality'],
    audience: AUDIENCE_TYPES.filter((a) => Number(d.counts[a] || 0) > 0).map((a) => {
      const women = sexCount(d.women?.[a]);
      const men = sexCount(d.men?.[a]);
      return { type: a, count: Number(d.counts[a]), ...(women !== undefined ? { women } : {}), ...(men !== undefined ? { men } : {}) };
    }),
    topics: d.topics.split('\n').map((s) => s.trim()).filter(Boolean),
  };
}

/** validateTraining checks the draft with the server's field names. */
export function validateTraining(d: TrainingDraft | undefined): Errors {
  const e: Errors = {};
  if (!d) return { training: 'validation.audience' };
  if (!d.modality) e['training.modality'] = 'validation.required';
  let any = false;
  AUDIENCE_TYPES.forEach((a) => {
    const v = (d.counts[a] ?? '').trim();
    if (v === '') return;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 100000) e[`training.count.${a}`] = 'validation.people';
    else if (n > 0) any = true;
    let both = 0;
    for (const [field, m] of [['women', d.women], ['men', d.men]] as const) {
      const x = sexCount(m?.[a]);
      if (x === undefined) continue;
      if (!Number.isInteger(x) || x < 0 || x > n) e[`training.${field}.${a}`] = 'validation.sex_count';
      else both += x;
    }
    if (both > n && !e[`training.women.${a}`] && !e[`training.men.${a}`]) e[`training.men.${a}`] = 'validation.sex_count';
  });
  if (!any && Object.keys(e).length === 0) e['training.audience'] = 'validation.audience';
  if (itemTooLong(d.topics, limit('training.topic'), (s) => s.split('\n').map((x) => x.trim()))) e['training.topics'] = 'validation.item_too_long';
  return e;
}

/** trainingFieldId maps a training error path (client or server) to the input it is about. */
export function trainingFieldId(path: string): string {
  if (path === 'training.modality') return 'training-modality';
  if (path.startsWith('training.topics')) return 'training-topics';
  const m = /^training\.(count|women|men)\.(\w+)$/.exec(path);
  return m ? `training-${m[1]}-${m[2]}` : 'training-audience';
}

export function trainingFieldLabel(path: string): string {
  const m = /^training\.(count|women|men)\.(\w+)$/.exec(path);
  if (m) return `${t('training.title')} – ${te('audience', m[2])}${m[1] === 'count' ? '' : ` – ${t(`training.${m[1]}`)}`}`;
  if (path === 'training.modality') return `${t('training.title')} – ${t('training.modality')}`;
  if (path.startsWith('training.topics')) return `${t('training.title')} – ${t('training.topics')}`;
  return `${t('training.title')} – ${t('training.audience')}`;
}

export function TrainingFields({ value, onValue, errors }: { value: TrainingDraft; onValue: (v: TrainingDraft) => void; errors: Errors }) {
  const total = AUDIENCE_TYPES.reduce((s, a) => s + (Number(value.counts[a]) > 0 ? Number(value.counts[a]) : 0), 0);
  return (
    <Section id="mf-training" title={t('training.title')} testid="training-fields">
      <p class="muted small">{t('training.hint')}</p>
      <Select id="training-modality" label={t('training.modality')} value={value.modality} options={enumOptions('modality', TRAINING_MODALITIES)} onValue={(v) => onValue({ ...value, modality: v })} error={errors['training.modality']} required />
      <fieldset class="checkgroup" id="training-audience" aria-describedby={errors['training.audience'] ? 'training-audience-err' : undefined}>
        <legend>{t('training.audience')}</legend>
        <div class="form-grid">
          {AUDIENCE_TYPES.map((a) => (
            <TextInput
              key={a}
              id={`training-count-${a}`}
              type="number"
              inputMode="numeric"
              min={0}
              label={te('audience', a)}
              value={value.counts[a] ?? ''}
              onValue={(v) => onValue({ ...value, counts: { ...value.counts, [a]: v } })}
              error={errors[`training.count.${a}`]}
            />
          ))}
        </div>
        {AUDIENCE_TYPES.some((a) => Number(value.counts[a]) > 0) && <p class="small muted">{t('training.sex_hint')}</p>}
        <div class="form-grid">
          {AUDIENCE_TYPES.filter((a) => Number(value.counts[a]) > 0).flatMap((a) =>
            (['women', 'men'] as const).map((field) => (
              <TextInput
                key={`${field}-${a}`}
                id={`training-${field}-${a}`}
                type="number"
                inputMode="numeric"
                min={0}
                label={`${te('audience', a)} – ${t(`training.${field}`)}`}
                value={value[field]?.[a] ?? ''}
                onValue={(v) => onValue({ ...value, [field]: { ...(value[field] ?? {}), [a]: v } })}
                error={errors[`training.${field}.${a}`]}
              />
            )),
          )}
        </div>
                <p class="small" data-testid="training-total">{tn('training.total', total)}</p>
        {errors['training.audience'] && (
          <span class="field-error" id="training-audience-err" data-testid="error-training-audience">
            {t(errors['training.audience'])}
          </span>
        )}
      </fieldset>
      <TextArea id="training-topics" label={t('training.topics')} hint={t('training.topics_hint')} value={value.topics} onValue={(v) => onValue({ ...value, topics: v })} error={errors['training.topics'] ?? errors['training.topics[0]']} />
    </Section>
  );
}

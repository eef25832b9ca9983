// Create a stakeholder for an email address (POST /messages/link-address
// with new_stakeholder): name, kind and region, the region preselected when
// the caller has one region or the message says which.
import { useState } from 'preact/hooks';
import { endpoints, type StakeholderKind } from '../api';
import { t } from '../i18n';
import { useSave } from '../save';
import { myRegions, useSession } from '../session';
import type { Errors } from '../validation';
import { enumOptions, Select, TextInput } from './Field';
import { ErrorBox, Notice } from './States';
import { SaveButton } from './FormActions';
import { limit } from '../limits';

interface Props {
  id: string;
  address: string;
  name: string;
  /** region codes hinted by the message; the first the caller holds is preselected */
  hint?: string[];
  onDone: (r: { stakeholder_id: string; rematched: number }) => void;
}

export function CreatePersonForm({ id, address, name, hint = [], onDone }: Props) {
  const { user, regions, enums } = useSession();
  const mine = myRegions(user, regions);
  const pre = mine.length === 1 ? mine[0].code : (hint.find((h) => mine.some((r) => r.code === h)) ?? '');
  const empty = { name: '', kind: 'person', region: pre };
  const [v, setV] = useState({ ...empty, name });
  const [done, setDone] = useState('');
  const { errors, error, busy, run } = useSave();
  const submit = (e: Event) => {
    e.preventDefault();
    const errs: Errors = {};
    if (!v.name.trim()) errs.name = 'validation.required';
    if (!v.region) errs.region = 'validation.region';
    setDone('');
    void run(
      errs,
      async () => {
        const r = await endpoints.linkAddress({ address, new_stakeholder: { kind: v.kind as StakeholderKind, name: v.name.trim(), regions: [v.region] } });
        // Emptied, so a second press cannot create the same person again; confirmed where the person looks.
        setDone(t('mail.person_created', { name: v.name.trim() }));
        setV(empty);
        onDone(r);
      },
      (fe) => ({ name: fe['new_stakeholder.name'], kind: fe['new_stakeholder.kind'], region: fe['new_stakeholder.regions'] ?? fe['new_stakeholder.regions[0]'] }),
    );
  };
  return (
    <form onSubmit={submit} noValidate class="create-person" data-testid={`${id}-form`} aria-label={t('mail.create_person_for', { address })}>
      <ErrorBox error={error} />
      <TextInput id={`${id}-name`} label={t('stakeholder.name')} max={limit('stakeholder.name')} value={v.name} onValue={(x) => setV((o) => ({ ...o, name: x }))} error={errors.name} required />
      <div class="form-grid">
        <Select id={`${id}-kind`} label={t('stakeholder.kind')} value={v.kind} options={enumOptions('kind', enums.stakeholder_kinds)} onValue={(x) => setV((o) => ({ ...o, kind: x }))} error={errors.kind} />
        <Select id={`${id}-region`} label={t('common.region')} value={v.region} blank="—" options={mine.map((r) => ({ value: r.code, label: r.name }))} onValue={(x) => setV((o) => ({ ...o, region: x }))} error={errors.region} required />
      </div>
      <SaveButton busy={busy} testid={`${id}-save`} label={t('mail.create_person')} class="btn btn-small btn-primary" />
      {done && <Notice>{done}</Notice>}
    </form>
  );
}

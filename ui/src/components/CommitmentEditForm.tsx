// Edit a commitment's own fields (text, type, dates, owner, region) and
// delete it; the status changes through its own form with a note.
import { useState } from 'preact/hooks';
import { endpoints, type Commitment } from '../api';
import { useSave } from '../save';
import { t } from '../i18n';
import { navigate } from '../router';
import { canManage, myRegions, useSession } from '../session';
import { teamOptions, useTeam } from '../team';
import { isDay, type Errors } from '../validation';
import { DeletePanel } from './DeletePanel';
import { enumOptions, Select, TextArea, TextInput } from './Field';
import { FormActions } from './FormActions';
import { CardForm } from './CardForm';
import { limit } from '../limits';
import { initiativeLabel, InitiativePicker, type PickedInitiative } from './InitiativePicker';
import { useInitiatives } from './InitiativeLinks';

export function validateCommitmentEdit(v: { text: string; due_on: string; next_follow_up_on: string }, madeOn: string): Errors {
  const e: Errors = {};
  if (!v.text.trim()) e.text = 'validation.required';
  if (v.due_on && !isDay(v.due_on)) e.due_on = 'validation.date';
  else if (v.due_on && madeOn && v.due_on < madeOn) e.due_on = 'validation.due_before_made';
  if (v.next_follow_up_on && !isDay(v.next_follow_up_on)) e.next_follow_up_on = 'validation.date';
  return e;
}

export function CommitmentEditForm({ c, onSaved, onReload, onClose }: { c: Commitment; onSaved: (c: Commitment) => void; onReload: () => void; onClose: () => void }) {
  const { user, regions, enums } = useSession();
  const team = useTeam();
  const [v, setV] = useState({ text: c.text, type: c.type, region: c.region, due_on: c.due_on ?? '', next_follow_up_on: c.next_follow_up_on ?? '', owner_id: c.owner_id, initiative_id: c.initiative_id ?? '' });
  // The initiative's title: the current one read from the server, a new one from the picker.
  const current = useInitiatives(c.initiative_id ? [c.initiative_id] : []);
  const [picked, setPicked] = useState<PickedInitiative | null>(null);
  const initiativeTitle = picked?.id === v.initiative_id ? picked.title : current.data?.[0] && current.data[0].id === v.initiative_id ? initiativeLabel(current.data[0]) : '';
  const { errors, error, busy, run, reloadWith } = useSave();
  const set = (k: keyof typeof v) => (x: string) => setV((o) => ({ ...o, [k]: x }));

  const submit = (e: Event) => {
    e.preventDefault();
    void run(validateCommitmentEdit(v, c.made_on), async () => {
      // The initiative is sent only when changed ("" unlinks it), like a PATCH of one field.
      const { initiative_id, ...rest } = v;
      const link = initiative_id !== (c.initiative_id ?? '') ? { initiative_id } : {};
      onSaved(await endpoints.updateCommitment(c.id, { ...rest, ...link, text: v.text.trim(), version: c.version }));
      onClose();
    });
  };
  const owners = teamOptions(team);
  return (
    <CardForm id="ce-title" title={t('commitment.edit')} testid="commitment-edit-form" onSubmit={submit} error={error} onReload={reloadWith(onReload, onClose)}>
      <TextArea id="ce-text" label={t('commitment.text')} max={limit('commitment.text')} value={v.text} onValue={set('text')} error={errors.text} required rows={3} />
      <div class="form-grid">
        <Select id="ce-type" label={t('commitment.type')} value={v.type} options={enumOptions('ctype', enums.commitment_types)} onValue={set('type')} error={errors.type} required />
        <Select id="ce-region" label={t('common.region')} value={v.region} options={myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }))} onValue={set('region')} error={errors.region} required />
        <TextInput id="ce-due" type="date" label={t('commitment.due_on')} value={v.due_on} onValue={set('due_on')} error={errors.due_on} />
        <TextInput id="ce-follow" type="date" label={t('commitment.next_follow_up')} value={v.next_follow_up_on} onValue={set('next_follow_up_on')} error={errors.next_follow_up_on} />
        {owners.length > 0 && <Select id="ce-owner" label={t('commitment.owner')} value={v.owner_id} options={owners} onValue={set('owner_id')} error={errors.owner_id} />}
      </div>
      {v.initiative_id ? (
        <p data-testid="commitment-edit-initiative">
          <span class="muted">{t('commitment.initiative')}:</span> {initiativeTitle || '…'}{' '}
          <button type="button" class="btn btn-small" onClick={() => set('initiative_id')('')} aria-label={t('common.remove_named', { name: initiativeTitle })}>
            {t('common.remove')}
          </button>
        </p>
      ) : (
        <InitiativePicker
          id="ce-initiative"
          label={t('commitment.initiative')}
          onPick={(x) => {
            setPicked(x);
            set('initiative_id')(x.id);
          }}
          error={errors.initiative_id}
        />
      )}
      <FormActions busy={busy} testid="save-commitment-edit" onCancel={onClose} />
      {(canManage(user) || c.owner_id === user?.id) && (
        <DeletePanel
          label={t('common.delete')}
          question={t('commitment.delete_confirm')}
          onDelete={async () => {
            await endpoints.deleteCommitment(c.id);
            navigate(c.origin?.kind === 'meeting' ? `/meetings/${c.origin.id}` : '/commitments');
          }}
          testid="delete-commitment"
        />
      )}
    </CardForm>
  );
}

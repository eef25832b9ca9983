// Create or edit a stakeholder; legislators and oversight committees have extra fields.
import { useEffect, useState } from 'preact/hooks';
import { endpoints, type Stakeholder } from '../api';
import { CheckGroup, enumOptions, Select, TextArea, TextInput } from '../components/Field';
import { StakeholderPicker, type Picked } from '../components/StakeholderPicker';
import { ErrorBox, Loading } from '../components/States';
import { useTitle } from '../hooks';
import { t, te } from '../i18n';
import { navigate } from '../router';
import { myRegions, useSession } from '../session';
import { useSave } from '../save';
import { splitList, validateStakeholder } from '../validation';
import { FormActions } from '../components/FormActions';
import { limit } from '../limits';

interface Form {
  kind: string;
  name: string;
  emails: string;
  phones: string;
  regions: string[];
  tags: string;
  stance: string;
  influence: string;
  notes: string;
  chamber: string;
  period: string;
  parliamentary_group: string;
  party: string;
  electoral_district: string;
  committees: string;
  committee_region: string;
  coordinator: Picked | null;
  members: Picked[];
}

const empty = (): Form => ({
  kind: 'person', name: '', emails: '', phones: '', regions: [], tags: '', stance: 'unknown', influence: 'medium', notes: '',
  chamber: 'congress', period: '2021-2026', parliamentary_group: '', party: '', electoral_district: '', committees: '',
  committee_region: '', coordinator: null, members: [],
});

function fromStakeholder(s: Stakeholder): Form {
  return {
    ...empty(),
    kind: s.kind, name: s.name, emails: s.emails.join(', '), phones: s.phones.join(', '), regions: s.regions, tags: s.tags.join(', '),
    stance: s.stance, influence: s.influence, notes: s.notes ?? '',
    chamber: s.legislator?.chamber ?? 'congress', period: s.legislator?.period ?? '', parliamentary_group: s.legislator?.parliamentary_group ?? '',
    party: s.legislator?.party ?? '', electoral_district: s.legislator?.electoral_district ?? '', committees: s.legislator?.committees?.join(', ') ?? '',
    committee_region: s.committee?.region ?? '',
    coordinator: s.committee?.coordinator_id ? { id: s.committee.coordinator_id, name: s.committee.coordinator_id, kind: 'person' } : null,
    members: (s.committee?.member_ids ?? []).map((id) => ({ id, name: id, kind: '' })),
  };
}

function toBody(f: Form): Partial<Stakeholder> {
  const b: Partial<Stakeholder> = {
    kind: f.kind as Stakeholder['kind'], name: f.name.trim(), emails: splitList(f.emails).map((e) => e.toLowerCase()), phones: splitList(f.phones),
    regions: f.regions, tags: splitList(f.tags), stance: f.stance as Stakeholder['stance'], influence: f.influence as Stakeholder['influence'], notes: f.notes,
  };
  if (f.kind === 'legislator')
    b.legislator = { chamber: f.chamber as NonNullable<Stakeholder['legislator']>['chamber'], period: f.period, parliamentary_group: f.parliamentary_group, party: f.party, electoral_district: f.electoral_district, committees: splitList(f.committees) };
  if (f.kind === 'oversight_committee')
    b.committee = { region: f.committee_region, coordinator_id: f.coordinator?.id ?? '', member_ids: f.members.map((m) => m.id) };
  return b;
}

export function StakeholderEdit({ id }: { id?: string }) {
  const creating = !id;
  useTitle(creating ? t('stakeholder.new') : t('stakeholder.edit'));
  const { user, regions, enums } = useSession();
  const [f, setF] = useState<Form>(empty);
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(!creating);
  const { errors, error, busy, run, setError } = useSave();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!id) return;
    setLoading(true);
    endpoints.stakeholder(id).then(
      (s) => {
        setF(fromStakeholder(s));
        setVersion(s.version);
        setLoading(false);
        setError(null);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [id, tick]);

  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setF((old) => ({ ...old, [k]: v }));

  const submit = (e: Event) => {
    e.preventDefault();
    void run(validateStakeholder(f), async () => {
      const s = creating ? await endpoints.createStakeholder(toBody(f)) : await endpoints.updateStakeholder(id!, { ...toBody(f), version });
      navigate(`/stakeholders/${s.id}`);
    });
  };

  if (loading) return <Loading />;
  const regionOpts = myRegions(user, regions).map((r) => ({ value: r.code, label: r.name }));

  return (
    <form onSubmit={submit} noValidate class="card" data-testid="stakeholder-form" aria-labelledby="sh-form-title">
      <h1 id="sh-form-title">{creating ? t('stakeholder.new') : t('stakeholder.edit')}</h1>
      <ErrorBox error={error} onReload={() => setTick((x) => x + 1)} />
      <div class="form-grid">
        {creating ? (
          <Select id="kind" label={t('stakeholder.kind')} value={f.kind} options={enumOptions('kind', enums.stakeholder_kinds)} onValue={set('kind')} error={errors.kind} required />
        ) : (
          <p>
            <strong>{t('stakeholder.kind')}:</strong> {te('kind', f.kind)}
          </p>
        )}
        <TextInput id="name" label={t('stakeholder.name')} max={limit('stakeholder.name')} value={f.name} onValue={set('name')} error={errors.name} required />
        <Select id="stance" label={t('stakeholder.stance')} value={f.stance} options={enumOptions('stance', enums.stances)} onValue={set('stance')} error={errors.stance} />
        <Select id="influence" label={t('stakeholder.influence')} value={f.influence} options={enumOptions('influence', enums.influences)} onValue={set('influence')} error={errors.influence} />
        <TextInput id="emails" label={t('stakeholder.emails')} hint={t('common.comma_hint')} value={f.emails} onValue={set('emails')} error={errors.emails} />
        <TextInput id="phones" label={t('stakeholder.phones')} hint={t('common.comma_hint')} value={f.phones} onValue={set('phones')} error={errors.phones} />
        <TextInput id="tags" label={t('stakeholder.tags')} hint={t('common.comma_hint')} value={f.tags} onValue={set('tags')} error={errors.tags} />
      </div>
      <CheckGroup legend={t('common.regions')} name="regions" values={f.regions} options={regionOpts} onValues={set('regions')} error={errors.regions} />

      {f.kind === 'legislator' && (
        <fieldset class="checkgroup">
          <legend>{t('legislator.title')}</legend>
          <div class="form-grid">
            <Select id="chamber" label={t('legislator.chamber')} value={f.chamber} options={enumOptions('chamber', enums.chambers)} onValue={set('chamber')} error={errors['legislator.chamber']} />
            <TextInput id="period" label={t('legislator.period')} value={f.period} onValue={set('period')} error={errors['legislator.period']} />
            <TextInput id="party" label={t('legislator.party')} max={limit('legislator.party')} value={f.party} onValue={set('party')} error={errors['legislator.party']} />
            <TextInput id="parliamentary_group" label={t('legislator.parliamentary_group')} max={limit('legislator.group')} value={f.parliamentary_group} onValue={set('parliamentary_group')} error={errors['legislator.parliamentary_group']} />
            <Select id="electoral_district" label={t('legislator.electoral_district')} value={f.electoral_district} blank="—" options={regions.map((r) => ({ value: r.code, label: r.name }))} onValue={set('electoral_district')} />
            <TextInput id="committees" label={t('legislator.committees')} hint={t('common.comma_hint')} value={f.committees} onValue={set('committees')} error={errors['legislator.committees']} />
          </div>
        </fieldset>
      )}

      {f.kind === 'oversight_committee' && (
        <fieldset class="checkgroup">
          <legend>{t('committee.title')}</legend>
          <Select id="committee_region" label={t('committee.region')} value={f.committee_region} blank="—" options={regionOpts} onValue={set('committee_region')} error={errors['committee.region']} />
          {f.coordinator ? (
            <p>
              {t('committee.coordinator')}: {f.coordinator.name}{' '}
              <button type="button" class="btn-link" onClick={() => set('coordinator')(null)}>
                {t('common.change')}
              </button>
            </p>
          ) : (
            <StakeholderPicker id="coordinator" label={t('committee.coordinator')} onPick={set('coordinator')} />
          )}
          <StakeholderPicker id="members" label={t('committee.add_member')} onPick={(p) => set('members')([...f.members, p])} exclude={f.members.map((m) => m.id)} />
          <ul class="plain-list">
            {f.members.map((m) => (
              <li key={m.id} class="row">
                {m.name}
                <button type="button" class="btn btn-small" onClick={() => set('members')(f.members.filter((x) => x.id !== m.id))} aria-label={t('common.remove_named', { name: m.name })}>
                  {t('common.remove')}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}

      <TextArea id="notes" label={t('stakeholder.notes')} max={limit('stakeholder.notes')} value={f.notes} onValue={set('notes')} rows={4} />
      <FormActions busy={busy} testid="save-stakeholder" onCancel={() => history.back()} end />
    </form>
  );
}

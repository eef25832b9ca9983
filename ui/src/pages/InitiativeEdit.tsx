// Create or edit an initiative: what it is, where, its stage when first recorded, and the
// stakeholders linked with their roles. Later stage changes go through the initiative's own
// stage form (with a date and a note); an edit sends the version it read.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { draftStore, isBlank } from '../draft';
import { endpoints, type Initiative, type InitiativeMeta } from '../api';
import { Select, TextArea, TextInput } from '../components/Field';
import { FormActions } from '../components/FormActions';
import { Section } from '../components/Section';
import { StakeholderPicker } from '../components/StakeholderPicker';
import { ErrorBox, Loading } from '../components/States';
import { useAsync, useTitle } from '../hooks';
import { t } from '../i18n';
import { emptyInitiative, fromInitiative, kindName, options, stageName, stagesOf, toInitiativeBody, useInitiativeMeta, validateInitiative, type InitiativeForm } from '../initiatives';
import { saveNewInitiative } from '../offline/save';
import { navigate } from '../router';
import { useSave } from '../save';
import { myRegions, regionName, useSession } from '../session';
import { teamOptions, useTeam } from '../team';
import { limit } from '../limits';
import './Initiatives.css';

/** fieldId turns a server field path (stakeholders[1].role) into the form's input id. */
export const initiativeFieldId = (path: string) => `if-${path.replace(/\[(\d+)\]\./g, '-$1-')}`;

export function InitiativeEdit({ id }: { id?: string }) {
  const { meta, error } = useInitiativeMeta();
  const x = useAsync(() => (id ? endpoints.initiative(id) : Promise.resolve(undefined)), [id]);
  useTitle(id ? t('initiative.edit') : t('initiative.new'));
  if (error && !meta) return <ErrorBox error={error} />;
  if ((id && x.loading && !x.data) || !meta) return <Loading />;
  if (id && !x.data) return <ErrorBox error={x.error} onRetry={x.reload} />;
  return <Form key={x.data?.version ?? 0} x={x.data} meta={meta} onReload={x.reload} />;
}

function Form({ x, meta, onReload }: { x?: Initiative; meta: InitiativeMeta; onReload: () => void }) {
  const { user, regions } = useSession();
  const team = useTeam();
  const creating = !x;
  const mine = myRegions(user, regions);
  const blank = () => emptyInitiative(mine.length === 1 ? mine[0].code : '', user?.id ?? '');
  // A new initiative is kept on the device while typed (a reload or a dropped connection loses nothing).
  const store = useMemo(() => draftStore<InitiativeForm>(`alianza.draft.initiative.${user?.id ?? 'anon'}`, 1, blank), [user?.id]);
  const [f, setF] = useState<InitiativeForm>(() => (x ? fromInitiative(x) : (store.load() ?? blank())));
  useEffect(() => {
    if (x) return;
    if (isBlank(f, blank())) store.clear();
    else store.save(f);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [f]);
  const { errors, error, busy, run, reloadWith } = useSave();
  const set =
    <K extends keyof InitiativeForm>(k: K) =>
    (v: InitiativeForm[K]) =>
      setF((o) => ({ ...o, [k]: v }));
  // A kind has its own stages: the first one is where a new initiative usually starts.
  useEffect(() => {
    if (creating && f.kind && !stagesOf(meta, f.kind).some((s) => s.code === f.stage)) set('stage')(stagesOf(meta, f.kind)[0]?.code ?? '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [f.kind]);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(validateInitiative(f, creating, meta), async () => {
      const body = toInitiativeBody(f);
      if (!x) {
        const r = await saveNewInitiative(body);
        store.clear();
        navigate(r.saved ? `/initiatives/${r.saved.id}?saved=1` : '/initiatives?queued=1');
        return;
      }
      // Kind, region and stage are not edited here (the stage has its own form, with a note).
      const { title, number, url, summary, tags, owner_id, stakeholders } = body;
      await endpoints.updateInitiative(x.id, { title, number, url, summary, tags, ...(owner_id && { owner_id }), stakeholders, version: x.version });
      navigate(`/initiatives/${x.id}?saved=1`);
    });
  };

  const regionOpts = [...mine, ...(mine.some((r) => r.code === 'NAC') ? [] : [{ code: 'NAC', name: '' }])].map((r) => ({ value: r.code, label: regionName(r.code) }));
  const roleOpts = options(meta.roles);
  const owners = teamOptions(team);
  const errList = Object.entries(errors);
  return (
    <form class="in-form" onSubmit={submit} noValidate data-testid="initiative-form" aria-labelledby="if-heading">
      <div class="page-head">
        <h1 id="if-heading">{creating ? t('initiative.new') : t('initiative.edit')}</h1>
      </div>
      <ErrorBox error={error} onReload={reloadWith(onReload)} />
      {errList.length > 0 && (
        <div class="card" role="alert" data-testid="error-summary">
          <h2>{t('meeting.fix_errors')}</h2>
          <ul>
            {errList.map(([k, msg]) => (
              <li key={k}>
                <a href={`#${initiativeFieldId(k)}`}>{t(msg)}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Section id="if-what" title={t('initiative.facts')}>
        <div class="form-grid">
          {creating ? (
            <>
              <Select id="if-kind" label={t('initiative.kind')} value={f.kind} blank="—" options={options(meta.kinds)} onValue={set('kind')} error={errors.kind} required />
              <Select id="if-region" label={t('common.region')} value={f.region} blank="—" options={regionOpts} onValue={set('region')} error={errors.region} required />
              <Select id="if-stage" label={t('initiative.stage')} value={f.stage} blank="—" options={options(stagesOf(meta, f.kind))} onValue={set('stage')} error={errors.stage} required />
              <TextInput id="if-stage_on" type="date" label={t('initiative.stage_on')} value={f.stage_on} onValue={set('stage_on')} error={errors.stage_on} required />
            </>
          ) : (
            <p>
              {kindName(meta, f.kind)} · {regionName(f.region)} · {stageName(meta, f.kind, f.stage)}
            </p>
          )}
        </div>
        <TextInput id="if-title" label={t('initiative.title_field')} max={limit('initiative.title')} value={f.title} onValue={set('title')} error={errors.title} required />
        <div class="form-grid">
          <TextInput id="if-number" label={t('initiative.number')} hint={t('initiative.number_hint')} max={limit('initiative.number')} value={f.number} onValue={set('number')} error={errors.number} />
          <TextInput id="if-url" type="url" inputMode="url" label={t('initiative.url')} max={limit('initiative.url')} value={f.url} onValue={set('url')} error={errors.url} />
          <TextInput id="if-tags" label={t('initiative.tags')} hint={t('common.comma_hint')} value={f.tags} onValue={set('tags')} error={errors.tags} />
          {owners.length > 0 && <Select id="if-owner_id" label={t('initiative.owner')} value={f.owner_id} blank="—" options={owners} onValue={set('owner_id')} error={errors.owner_id} />}
        </div>
        <TextArea id="if-summary" label={t('initiative.summary')} max={limit('initiative.summary')} value={f.summary} onValue={set('summary')} error={errors.summary} rows={4} />
      </Section>
      <Section id="if-who" title={t('initiative.stakeholders')}>
        <StakeholderPicker
          id="if-stakeholder-search"
          label={t('initiative.add_stakeholder')}
          exclude={f.stakeholders.map((s) => s.stakeholder_id)}
          onPick={(p) => setF((o) => ({ ...o, stakeholders: [...o.stakeholders, { stakeholder_id: p.id, name: p.name, role: '' }] }))}
          error={errors.stakeholders}
        />
        <ul class="plain-list" data-testid="initiative-form-stakeholders">
          {f.stakeholders.map((s, i) => (
            <li key={s.stakeholder_id} class="in-sh" data-testid="initiative-form-stakeholder">
              <span class="in-sh-name">{s.name}</span>
              <Select
                id={`if-stakeholders-${i}-role`}
                label={t('initiative.role_of', { name: s.name })}
                value={s.role}
                blank="—"
                options={roleOpts}
                onValue={(v) => setF((o) => ({ ...o, stakeholders: o.stakeholders.map((y, j) => (j === i ? { ...y, role: v } : y)) }))}
                error={errors[`stakeholders[${i}].role`] ?? errors[`stakeholders[${i}].stakeholder_id`]}
                required
              />
              <button type="button" class="btn btn-small btn-danger" onClick={() => setF((o) => ({ ...o, stakeholders: o.stakeholders.filter((_, j) => j !== i) }))} aria-label={t('common.remove_named', { name: s.name })}>
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
      </Section>
      <FormActions
        busy={busy}
        testid="save-initiative"
        onCancel={() => {
          if (!x) store.clear();
          history.back();
        }}
        end
      />
    </form>
  );
}

export default InitiativeEdit;

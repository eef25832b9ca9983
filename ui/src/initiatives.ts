// Policy initiatives: their kinds, stages (per kind, in order) and stakeholder roles come from
// the server (GET /initiatives/meta) in Spanish and English, so the app never hard-codes a stage
// list. Loaded once per session and kept on the device for working without signal.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, endpoints, type Initiative, type InitiativeInput, type InitiativeMeta, type Named } from './api';
import { addDays, todayInLima } from './format';
import { getLang } from './i18n';
import { idb } from './offline/db';
import { splitList, isDay, type Errors } from './validation';

const META_KEY = 'initiatives:meta';
let meta: Promise<InitiativeMeta> | null = null;

/** loadMeta answers the kinds, stages and roles: the server's, or the device's copy without signal. */
export function loadMeta(): Promise<InitiativeMeta> {
  meta ??= endpoints.initiativeMeta().then(
    (m) => {
      void idb.set(META_KEY, m).catch(() => undefined);
      return m;
    },
    async (e: unknown) => {
      meta = null;
      const kept = e instanceof ApiError && e.status === 0 ? await idb.get<InitiativeMeta>(META_KEY).catch(() => undefined) : undefined;
      if (!kept) throw e;
      return kept;
    },
  );
  return meta;
}

/** forgetMeta drops the loaded copy (tests; a new session loads it again). */
export function forgetMeta(): void {
  meta = null;
}

/** useInitiativeMeta is the meta once loaded (undefined until then), with the load's error; loaded only once enabled. */
export function useInitiativeMeta(enabled = true): { meta?: InitiativeMeta; error: unknown; reload: () => void } {
  const [m, setM] = useState<InitiativeMeta>();
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    setError(null);
    loadMeta().then(
      (x) => alive && setM(x),
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [tick, enabled]);
  return { meta: m, error, reload: () => setTick((x) => x + 1) };
}

/** nameOf is a code's name in the app's language; the code itself when it is unknown. */
export function nameOf(list: Named[] | undefined, code: string): string {
  const n = list?.find((x) => x.code === code);
  if (!n) return code;
  return (getLang() === 'en' ? n.name_en : n.name_es) || n.name_es || code;
}

export const kindName = (m: InitiativeMeta | undefined, kind: string) => nameOf(m?.kinds, kind);
export const roleName = (m: InitiativeMeta | undefined, role: string) => nameOf(m?.roles, role);
/** stagesOf lists a kind's stages in their order (the main chain, then the side ones). */
export const stagesOf = (m: InitiativeMeta | undefined, kind: string): Named[] => m?.kinds.find((k) => k.code === kind)?.stages ?? [];
export const stageName = (m: InitiativeMeta | undefined, kind: string, stage: string) => nameOf(stagesOf(m, kind), stage);
/** stageNameAny names a stage whose kind is not known (a timeline item): the first kind that has it. */
export const stageNameAny = (m: InitiativeMeta | undefined, stage: string) => nameOf(m?.kinds.flatMap((k) => k.stages), stage);
/** options turns named codes into select options in the app's language. */
export const options = (list: Named[] | undefined) => (list ?? []).map((x) => ({ value: x.code, label: nameOf(list, x.code) }));

/** MOVED_DAYS is the span of "moved recently". */
export const MOVED_DAYS = 30;
/** movedSince is the first day of "moved in the last 30 days" (Lima calendar). */
export const movedSince = (today = todayInLima()) => addDays(today, -MOVED_DAYS);

/** The initiative form as typed: text fields as strings, tags comma-separated. */
export interface InitiativeForm {
  kind: string;
  title: string;
  number: string;
  url: string;
  region: string;
  stage: string;
  stage_on: string;
  summary: string;
  tags: string;
  owner_id: string;
  stakeholders: { stakeholder_id: string; name: string; role: string }[];
}

export function emptyInitiative(region = '', owner = ''): InitiativeForm {
  return { kind: '', title: '', number: '', url: '', region, stage: '', stage_on: todayInLima(), summary: '', tags: '', owner_id: owner, stakeholders: [] };
}

export function fromInitiative(x: Initiative): InitiativeForm {
  return {
    kind: x.kind,
    title: x.title,
    number: x.number ?? '',
    url: x.url ?? '',
    region: x.region,
    stage: x.stage,
    stage_on: x.stage_on,
    summary: x.summary ?? '',
    tags: (x.tags ?? []).join(', '),
    owner_id: x.owner_id ?? '',
    stakeholders: (x.stakeholders ?? []).map((s) => ({ stakeholder_id: s.stakeholder_id, name: s.name ?? '', role: s.role })),
  };
}

/** toInitiativeBody is the POST /initiatives body of the form. */
export function toInitiativeBody(f: InitiativeForm): InitiativeInput {
  return {
    kind: f.kind,
    title: f.title.trim(),
    number: f.number.trim(),
    url: f.url.trim(),
    region: f.region,
    stage: f.stage,
    stage_on: f.stage_on,
    summary: f.summary.trim(),
    tags: splitList(f.tags),
    ...(f.owner_id && { owner_id: f.owner_id }),
    stakeholders: f.stakeholders.map((s) => ({ stakeholder_id: s.stakeholder_id, role: s.role })),
  };
}

const URL_RE = /^https?:\/\/\S+$/i;

/** validateInitiative checks the form; field names are the server's (stakeholders[1].role). */
export function validateInitiative(f: InitiativeForm, creating: boolean, m?: InitiativeMeta): Errors {
  const e: Errors = {};
  if (!f.title.trim()) e.title = 'validation.required';
  if (f.url.trim() && !URL_RE.test(f.url.trim())) e.url = 'validation.url';
  if (creating) {
    if (!f.kind) e.kind = 'validation.required';
    if (!f.region) e.region = 'validation.required';
    if (!f.stage) e.stage = 'validation.required';
    else if (m && f.kind && !stagesOf(m, f.kind).some((s) => s.code === f.stage)) e.stage = 'validation.stage_not_in_kind';
    if (!isDay(f.stage_on)) e.stage_on = 'validation.date';
  }
  f.stakeholders.forEach((s, i) => {
    if (!s.role) e[`stakeholders[${i}].role`] = 'validation.required';
  });
  return e;
}

/** validateStageChange checks a stage change: a stage of the kind other than the current one, a day, not in the future. */
export function validateStageChange(v: { stage: string; on: string }, x: Pick<Initiative, 'kind' | 'stage'>, m?: InitiativeMeta, today = todayInLima()): Errors {
  const e: Errors = {};
  if (!v.stage) e.stage = 'validation.required';
  else if (v.stage === x.stage) e.stage = 'validation.same_stage';
  else if (m && !stagesOf(m, x.kind).some((s) => s.code === v.stage)) e.stage = 'validation.stage_not_in_kind';
  if (!isDay(v.on)) e.on = 'validation.date';
  else if (v.on > today) e.on = 'validation.future_date';
  return e;
}

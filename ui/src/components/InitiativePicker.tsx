// Typeahead over initiatives (by words of the title or the number): the stakeholder picker's
// combobox, searching the server online and the device's copy of the list without signal.
import type { Initiative } from '../api';
import { kindName, useInitiativeMeta } from '../initiatives';
import { searchInitiatives } from '../offline/save';
import { StakeholderPicker } from './StakeholderPicker';

/** initiativeLabel names an initiative by its title and, when it has one, its number. */
export const initiativeLabel = (x: Pick<Initiative, 'title' | 'number'>) => (x.number ? `${x.title} (${x.number})` : x.title);

export interface PickedInitiative {
  id: string;
  title: string;
}

export function InitiativePicker({ id, label, onPick, exclude, error }: { id: string; label: string; onPick: (x: PickedInitiative) => void; exclude?: string[]; error?: string }) {
  const { meta } = useInitiativeMeta();
  return (
    <StakeholderPicker
      id={id}
      label={label}
      exclude={exclude}
      error={error}
      onPick={(f) => onPick({ id: f.id, title: f.name })}
      search={async (q, signal) => (await searchInitiatives(q, signal)).map((x) => ({ id: x.id, name: initiativeLabel(x), kind: x.kind }))}
      describe={(f) => kindName(meta, f.kind)}
    />
  );
}

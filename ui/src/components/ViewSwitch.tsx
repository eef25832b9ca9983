// A group of buttons of which one is pressed: a page's view or scope, with
// room for more actions beside them (children).
import type { ComponentChildren } from 'preact';
import { useQuery } from '../router';

export interface SwitchOption {
  value: string;
  label: string;
  testid: string;
  onPick: () => void;
}

export function ViewSwitch({ label, current, options, children }: { label: string; current: string; options: SwitchOption[]; children?: ComponentChildren }) {
  return (
    <div class="row" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" class="btn btn-small" aria-pressed={current === o.value} onClick={o.onPick} data-testid={o.testid}>
          {o.label}
        </button>
      ))}
      {children}
    </div>
  );
}

/** useView reads a page's ?view= among views ([value, label]) and gives the switch's options;
 *  the first view is the default and leaves the address without ?view=. */
export function useView(views: [value: string, label: string][]): [string, SwitchOption[]] {
  const [q, setQuery] = useQuery();
  const current = views.some(([v]) => v === q.view) ? q.view : views[0][0];
  const options = views.map(([value, label], i) => ({ value, label, testid: `view-${value}`, onPick: () => setQuery({ view: i === 0 ? undefined : value }) }));
  return [current, options];
}

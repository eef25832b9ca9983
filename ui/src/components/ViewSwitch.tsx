// A group of buttons of which one is pressed: a page's view or scope, with
// room for more actions beside them (children).
import type { ComponentChildren } from 'preact';

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

// The app's data table: a wrapper that scrolls on a narrow screen, an
// optional caption and the header row, so a page writes only its rows.
import type { ComponentChildren } from 'preact';

/** Column is a header cell: its text, or its text and a class (num, hide-narrow). */
export type Column = string | { label: string; class?: string };

interface Props {
  columns: Column[];
  /** the rows (tr elements) */
  children: ComponentChildren;
  caption?: ComponentChildren;
  /** e.g. "sr-only" for a caption only screen readers need */
  captionClass?: string;
  /** a tfoot element */
  foot?: ComponentChildren;
  testid?: string;
  class?: string;
  /** names the wrapper as a focusable region, so keyboard users can scroll it */
  region?: string;
}

export function Table({ columns, children, caption, captionClass, foot, testid, class: cls, region }: Props) {
  return (
    <div class="table-wrap" tabIndex={region ? 0 : undefined} role={region ? 'region' : undefined} aria-label={region}>
      <table class={cls} data-testid={testid}>
        {caption && <caption class={captionClass}>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) =>
              typeof c === 'string' ? (
                <th key={i} scope="col">
                  {c}
                </th>
              ) : (
                <th key={i} scope="col" class={c.class}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
        {foot}
      </table>
    </div>
  );
}

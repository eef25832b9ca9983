// The titled parts of a page: its head and its sections.
import type { ComponentChildren } from 'preact';

/** PageHead is a page's title with the actions beside it (children). */
export function PageHead({ title, children }: { title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

/** Section is a part of a page named by its heading (aria-labelledby), so
 *  assistive technology lists it by its title; a card unless class says otherwise. */

export function Section({ id, title, testid, class: cls = 'card', children }: { id: string; title: ComponentChildren; testid?: string; class?: string; children?: ComponentChildren }) {
  return (
    <section class={cls} aria-labelledby={id} data-testid={testid}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

// Section is a part of a page named by its heading (aria-labelledby), so
// assistive technology lists it by its title; a card unless class says
// otherwise.
import type { ComponentChildren } from 'preact';

export function Section({ id, title, testid, class: cls = 'card', children }: { id: string; title: ComponentChildren; testid?: string; class?: string; children?: ComponentChildren }) {
  return (
    <section class={cls} aria-labelledby={id} data-testid={testid}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

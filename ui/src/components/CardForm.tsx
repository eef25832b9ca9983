// An edit form in a card: its title, the save error (a conflict offers to
// reload the record) and then its fields.
import type { ComponentChildren } from 'preact';
import { ErrorBox } from './States';

interface Props {
  /** the title's id, which names the form */
  id: string;
  title: string;
  testid: string;
  onSubmit: (e: Event) => void;
  error: unknown;
  /** what the error's Reload button does after a conflict */
  onReload: () => void;
  children: ComponentChildren;
}

export function CardForm({ id, title, testid, onSubmit, error, onReload, children }: Props) {
  return (
    <form class="card" onSubmit={onSubmit} noValidate aria-labelledby={id} data-testid={testid}>
      <h2 id={id}>{title}</h2>
      <ErrorBox error={error} onReload={onReload} />
      {children}
    </form>
  );
}

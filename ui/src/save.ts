// useSave holds a form's save state: local checks first, then the call,
// with the server's field messages mapped onto the form's fields.
import { useState } from 'preact/hooks';
import { fieldErrorsOf } from './errors';
import { useAction } from './hooks';
import type { Errors } from './validation';

export function useSave() {
  const [errors, setErrors] = useState<Errors>({});
  const action = useAction();
  /** run saves unless local has errors; mapFields renames server field paths to the form's. */
  const run = async (local: Errors, save: () => Promise<void>, mapFields: (fe: Errors) => Errors = (fe) => fe): Promise<boolean> => {
    setErrors(local);
    action.setError(null);
    if (Object.keys(local).length) return false;
    return action.run(save, (x) => setErrors(mapFields(fieldErrorsOf(x))));
  };
  /** reloadWith is the error box's reload after a conflict: drop the error, then run each of
   *  then (show the record as it is now, close the form). */
  const reloadWith =
    (...then: (() => void)[]) =>
    () => {
      action.setError(null);
      for (const f of then) f();
    };
  return { errors, error: action.error, busy: action.busy, run, setError: action.setError, setErrors, reloadWith };
}

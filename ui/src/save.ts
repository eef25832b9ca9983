// useSave holds a form's save state: local checks first, then the call,
// with the server's field messages mapped onto the form's fields.
import { useState } from 'preact/hooks';
import { fieldErrorsOf } from './errors';
import type { Errors } from './validation';

export function useSave() {
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** run saves unless local has errors; mapFields renames server field paths to the form's. */
  const run = async (local: Errors, save: () => Promise<void>, mapFields: (fe: Errors) => Errors = (fe) => fe): Promise<boolean> => {
    setErrors(local);
    setError(null);
    if (Object.keys(local).length) return false;
    setBusy(true);
    try {
      await save();
      return true;
    } catch (x) {
      setError(x);
      setErrors(mapFields(fieldErrorsOf(x)));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, run, setError };
}

// A value many components follow, such as the language or the location.
import { useEffect, useState } from 'preact/hooks';

/** useFollow re-renders the caller with every value sent to listeners, starting from initial. */
export function useFollow<T>(listeners: Set<(v: T) => void>, initial: T | (() => T)): T {
  const [v, set] = useState<T>(initial);
  useEffect(() => {
    listeners.add(set);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return v;
}

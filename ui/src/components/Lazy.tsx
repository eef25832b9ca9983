// Loads a page module on first use (dynamic import), so the initial download stays small.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Loading, ErrorBox } from './States';

type Loader<P> = () => Promise<{ default: ComponentType<P> }>;

export function lazy<P extends object>(load: Loader<P>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  return function LazyPage(props: P) {
    const [, force] = useState(0);
    const [err, setErr] = useState<unknown>(null);
    useEffect(() => {
      if (cached) return;
      pending ??= load().then((m) => {
        cached = m.default;
      });
      pending.then(
        () => force((x) => x + 1),
        () => {
          // A chunk that cannot be fetched almost always means the connection dropped.
          pending = null;
          setErr(new ApiError({ status: 0, title: 'network' }));
        },
      );
    }, []);
    if (err) return <ErrorBox error={err} onRetry={() => location.reload()} />;
    if (!cached) return <Loading />;
    const C = cached;
    return <C {...props} />;
  };
}

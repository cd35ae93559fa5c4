/** The dashboard's small shared state: the route (the part after `#`), data loading and the signed-in principal. */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api.js';
import type { Me } from './types.js';

export interface Route {
  /** `/certificates/AB:CD...` split on `/`, without the empty first part. */
  parts: string[];
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const [path = '/', search = ''] = hash.split('?');
  return { parts: path.split('/').filter((p) => p !== ''), params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = (): void => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Goes to a route of the dashboard (`navigate('/owners')`, with parameters left out when empty). */
export function navigate(path: string, params: Record<string, string> = {}): void {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
  location.hash = `#${path}${search === '' ? '' : `?${search}`}`;
}

export const href = (path: string): string => `#${path}`;

export interface Loaded<T> {
  /** The latest answer (for an earlier path while the current one loads). */
  data: T | undefined;
  error: ApiError | Error | undefined;
  /** True until the answer for the current path (or the reload) is in. */
  loading: boolean;
  reload(): void;
}

/** GETs `path` (again whenever it changes or `reload()` is called), keeping the last answer on screen meanwhile. */
export function useApi<T>(path: string): Loaded<T> {
  const [round, setRound] = useState(0);
  const key = `${round} ${path}`;
  const [state, setState] = useState<{ key?: string; data?: T; error?: Error }>({});
  useEffect(() => {
    let current = true;
    get<T>(path).then(
      (data) => current && setState({ key, data }),
      (error: unknown) =>
        current &&
        setState((s) => ({
          key,
          data: s.data,
          error: error instanceof Error ? error : new Error(String(error)),
        })),
    );
    return () => {
      current = false;
    };
  }, [key]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const done = state.key === key;
  return { data: state.data, error: done ? state.error : undefined, loading: !done, reload };
}

export const MeContext = createContext<Me | null>(null);

export const useMe = (): Me => {
  const me = useContext(MeContext);
  if (me === null) throw new Error('rendered outside the signed-in dashboard');
  return me;
};

/** What the principal's scopes allow (admin holds every scope; write and issue hold read), as the server checks. */
export function can(me: Me, scope: 'read' | 'write' | 'issue' | 'admin'): boolean {
  return me.scopes.some(
    (held) =>
      held === scope || held === 'admin' || (scope === 'read' && (held === 'write' || held === 'issue')),
  );
}

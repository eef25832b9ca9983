// The caller's colleagues (GET /team), loaded once per session: names for
// assignees and staff, and the choices of "assign to".
import { useEffect, useState } from 'preact/hooks';
import { endpoints, type TeamMember } from './api';
import { getSession } from './session';

let cache: Promise<TeamMember[]> | null = null;
let cacheFor = '';

export function loadTeam(): Promise<TeamMember[]> {
  const me = getSession().user?.id ?? '';
  if (!cache || cacheFor !== me) {
    cacheFor = me;
    cache = endpoints.team().then(
      (p) => p.items ?? [],
      (e) => {
        cache = null;
        throw e;
      },
    );
  }
  return cache;
}

/** forgetTeam drops the cache (sign-out, another user). */
export function forgetTeam(): void {
  cache = null;
}

export function useTeam(): TeamMember[] {
  const [team, setTeam] = useState<TeamMember[]>([]);
  useEffect(() => {
    loadTeam().then(setTeam, () => undefined);
  }, []);
  return team;
}

export function memberName(team: TeamMember[], id: string | undefined): string {
  if (!id) return '';
  return team.find((m) => m.id === id)?.name ?? '';
}

/** teamOptions are select options for assigning work, writers only. */
export function teamOptions(team: TeamMember[]): { value: string; label: string }[] {
  return team.filter((m) => m.role !== 'viewer').map((m) => ({ value: m.id, label: m.name }));
}

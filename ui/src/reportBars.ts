// Chart rows shared by the reports page and the funder report.
import type { Bar } from './components/BarChart';
import type { CountByRegionStatus, MeetingsPerMonth, Region } from './api';
import { t, te } from './i18n';
import { regionName } from './session';

export const STATUS_TONE: Record<string, string> = {
  pending: 'warn',
  in_progress: 'info',
  fulfilled: 'ok',
  partially_fulfilled: 'partial',
  not_fulfilled: 'danger',
  withdrawn: 'muted',
};

/** statusBars: one bar per region, stacked by commitment status in the enum's order. */
export function statusBars(items: CountByRegionStatus[], statuses: string[], regions: Region[]): Bar[] {
  const codes = Array.from(new Set(items.map((i) => i.region))).sort();
  return codes.map((code) => ({
    label: regionName(code, regions),
    segments: statuses.map((st) => ({
      tone: STATUS_TONE[st] ?? 'info',
      label: te('status', st),
      value: items.filter((i) => i.region === code && i.status === st).reduce((s, i) => s + i.count, 0),
    })),
  }));
}

/** meetingRegionBars: meetings of the period per region, most first. */
export function meetingRegionBars(items: MeetingsPerMonth[], regions: Region[]): Bar[] {
  const by = new Map<string, number>();
  for (const i of items) by.set(i.region, (by.get(i.region) ?? 0) + i.count);
  return Array.from(by.entries())
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, value]) => ({ label: regionName(code, regions), segments: [{ tone: 'info', label: t('report.meetings'), value }] }));
}

/**
 * Every view the navigation holds, in order, with the issue that brings the ones not built yet.
 * Views are looked up by id from the URL hash (#/processes), so a reload keeps the place.
 */
import type { ViewId as DesktopViewId } from '../../electron/api/preload-api.ts';

/** Stable ids used in the URL hash and the cache's "visited views" record. */
export const viewIds = ['overview', 'processes', 'slab', 'zones', 'memory-map', 'page-flags', 'log', 'console', 'traces', 'panic', 'oom-wizard', 'report'] as const;
export type ViewId = (typeof viewIds)[number];

/** What the navigation shows for one view. */
export interface ViewMeta {
  id: ViewId;
  label: string;
  /** One line: the question this view answers. */
  summary: string;
  /** The issue that builds it (shown while views/registry.ts has no component for it). */
  pendingIssue?: number;
}

/** Navigation order. */
export const views: readonly ViewMeta[] = [
  { id: 'overview', label: 'Overview', summary: 'What panicked, on which kernel, and when.' },
  { id: 'processes', label: 'Processes', summary: 'Which tasks existed, what they held, which one panicked.' },
  { id: 'slab', label: 'Slab', summary: 'Which slab caches hold the memory.' },
  { id: 'zones', label: 'Zones', summary: 'Free pages against watermarks, per order and migrate type.' },
  { id: 'memory-map', label: 'Memory map', summary: "A task's VMAs with flags and files." },
  { id: 'page-flags', label: 'Page flags', summary: 'Look up a page and decode its flags.' },
  { id: 'log', label: 'Log', summary: 'The kernel log with the OOM report and the panic folded into blocks.' },
  { id: 'console', label: 'Console', summary: 'Run allowlisted crash commands by hand.' },
  { id: 'traces', label: 'Traces', summary: 'ftrace / perf events lined up with the dump.' },
  { id: 'panic', label: 'Panic', summary: 'Why it panicked: the fault, who waits for whom, which CPU spun.' },
  { id: 'oom-wizard', label: 'OOM wizard', summary: 'Why the OOM killer ran, with evidence.' },
  { id: 'report', label: 'Report', summary: 'An annotated report a teammate can open without the dump.' },
];

/** The view for a URL hash like "#/log"; Overview when unknown. */
export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (viewIds as readonly string[]).includes(id) ? (id as ViewId) : 'overview';
}

// The desktop menu's shortcuts use preload-api's list: keep the two identical.
const _sameIds: readonly DesktopViewId[] = viewIds;
void _sameIds;

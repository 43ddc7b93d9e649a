/**
 * Which component renders each guided view. A view missing here shows "not built yet" with the
 * issue that brings it (lib/views.ts). Adding a view = one line below.
 *
 * Only the Overview (the dump's first screen, where the verdict is painted) is in the first
 * bundle; every other view is its own chunk, fetched when first shown: on a fresh open the page
 * then downloads and evaluates a third less script before the verdict (issue 14).
 */
import type { Component } from 'svelte';
import type { DumpContext } from '../lib/dump-context.svelte.ts';
import type { ViewId } from '../lib/views.ts';
import type { AppState } from '../lib/app-state.svelte.ts';
import OverviewView from './Overview/OverviewView.svelte';

/** Props every view receives. */
export interface ViewProps {
  ctx: DumpContext;
}

type ViewComponent = Component<ViewProps>;

/** Built views by id: how to load each. */
const loaders: Partial<Record<ViewId, () => Promise<ViewComponent>>> = {
  overview: () => Promise.resolve(OverviewView),
  processes: async () => (await import('./Processes/ProcessesView.svelte')).default,
  log: async () => (await import('./Log/LogView.svelte')).default,
  slab: async () => (await import('./Slab/SlabView.svelte')).default,
  zones: async () => (await import('./Zones/ZonesView.svelte')).default,
  'memory-map': async () => (await import('./MemoryMap/MemoryMapView.svelte')).default,
  'page-flags': async () => (await import('./PageFlags/PageFlagsView.svelte')).default,
  console: async () => (await import('./Console/ConsoleView.svelte')).default,
  report: async () => (await import('./Report/ReportView.svelte')).default,
  'oom-wizard': async () => (await import('./OomWizard/OomWizardView.svelte')).default,
  traces: async () => (await import('./Traces/TracesView.svelte')).default,
  panic: async () => (await import('./Panic/PanicView.svelte')).default,
};

const loaded = new Map<ViewId, ViewComponent>([['overview', OverviewView]]);

/** True when the view has a component. */
export function isBuilt(id: ViewId): boolean {
  return loaders[id] !== undefined;
}

/** The view's component when it is already loaded (no flash of a loading line). */
export function loadedView(id: ViewId): ViewComponent | undefined {
  return loaded.get(id);
}

/** Load a built view's component (undefined for a view not built yet). */
export async function loadView(id: ViewId): Promise<ViewComponent | undefined> {
  const known = loaded.get(id);
  if (known) return known;
  const load = loaders[id];
  if (!load) return undefined;
  const c = await load();
  loaded.set(id, c);
  return c;
}

/** Screens about no single dump (no DumpContext), reached by URL hash (#/dumps) from the header. */
export function loadDumpsScreen(): Promise<Component<{ app: AppState }>> {
  return import('./Dumps/DumpsView.svelte').then((m) => m.default);
}

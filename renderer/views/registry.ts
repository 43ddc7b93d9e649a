/**
 * Which component renders each guided view. A view missing here shows "not built yet" with the
 * issue that brings it (lib/views.ts). Adding a view = one import and one line below.
 */
import type { Component } from 'svelte';
import type { DumpContext } from '../lib/dump-context.svelte.ts';
import type { ViewId } from '../lib/views.ts';
import OverviewView from './Overview/OverviewView.svelte';
import ProcessesView from './Processes/ProcessesView.svelte';
import LogView from './Log/LogView.svelte';
import SlabView from './Slab/SlabView.svelte';
import ZonesView from './Zones/ZonesView.svelte';
import MemoryMapView from './MemoryMap/MemoryMapView.svelte';
import PageFlagsView from './PageFlags/PageFlagsView.svelte';
import ConsoleView from './Console/ConsoleView.svelte';
import ReportView from './Report/ReportView.svelte';
import OomWizardView from './OomWizard/OomWizardView.svelte';
import TracesView from './Traces/TracesView.svelte';
import PanicView from './Panic/PanicView.svelte';
import DumpsView from './Dumps/DumpsView.svelte';
import type { AppState } from '../lib/app-state.svelte.ts';

/** Props every view receives. */
export interface ViewProps {
  ctx: DumpContext;
}

/** Built views by id. */
export const viewComponents: Partial<Record<ViewId, Component<ViewProps>>> = {
  overview: OverviewView,
  processes: ProcessesView,
  log: LogView,
  slab: SlabView,
  zones: ZonesView,
  'memory-map': MemoryMapView,
  'page-flags': PageFlagsView,
  console: ConsoleView,
  report: ReportView,
  'oom-wizard': OomWizardView,
  traces: TracesView,
  panic: PanicView,
};

/** True when the view has a component. */
export function isBuilt(id: ViewId): boolean {
  return viewComponents[id] !== undefined;
}

/** Screens about no single dump (no DumpContext), reached by URL hash (#/dumps) from the header. */
export const appScreens: Record<'dumps', Component<{ app: AppState }>> = { dumps: DumpsView };

/**
 * The native application menu with keyboard shortcuts. Items that need the page send it a
 * MenuCommand; items that open files run the native dialog in main and send the chosen paths.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { viewIds, type DialogKind, type MenuCommand, type RecentDump, type ViewId } from '../api/preload-api.ts';

/** What menu items do, supplied by main.ts. */
export interface MenuActions {
  open(kind: DialogKind): void;
  openRecent(dump: RecentDump): void;
  command(command: MenuCommand): void;
  clearRecent(): void;
}

/** Labels of the views, in navigation order. */
export const viewLabels: Record<ViewId, string> = {
  overview: 'Overview',
  processes: 'Processes',
  slab: 'Slab',
  zones: 'Zones',
  'memory-map': 'Memory map',
  'page-flags': 'Page flags',
  log: 'Log',
  console: 'Console',
  traces: 'Traces',
  panic: 'Panic',
  'oom-wizard': 'OOM wizard',
  report: 'Report',
};

/** CmdOrCtrl+1..9 for the first nine views, CmdOrCtrl+0 for the tenth. */
function viewAccelerator(index: number): string | undefined {
  if (index < 9) return `CmdOrCtrl+${index + 1}`;
  if (index === 9) return 'CmdOrCtrl+0';
  return undefined;
}

/** The menu template; `devTools` adds reload and developer tools (never in a packaged app). */
export function menuTemplate(actions: MenuActions, options: { recent: RecentDump[]; devTools: boolean }): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] = options.recent.length
    ? [
        ...options.recent.map((d) => ({
          label: d.host === 'local' ? d.vmcore : `${d.host}: ${d.vmcore}`,
          click: () => actions.openRecent(d),
        })),
        { type: 'separator' as const },
        { label: 'Clear recent dumps', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No recent dumps', enabled: false }];

  const view: MenuItemConstructorOptions[] = viewIds.map((id, i) => {
    const accelerator = viewAccelerator(i);
    return { label: viewLabels[id], ...(accelerator ? { accelerator } : {}), click: () => actions.command({ kind: 'show-view', view: id }) };
  });
  if (options.devTools) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  view.push({ type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' });

  return [
    {
      label: '&File',
      submenu: [
        { label: 'Open Dump…', accelerator: 'CmdOrCtrl+O', click: () => actions.open('vmcore') },
        { label: 'Open Remote Dump…', accelerator: 'CmdOrCtrl+Shift+R', click: () => actions.command({ kind: 'open-remote' }) },
        { label: 'Choose vmlinux…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('vmlinux') },
        { label: 'Import Traces…', accelerator: 'CmdOrCtrl+I', click: () => actions.open('trace') },
        { label: 'Open Case Bundle…', accelerator: 'CmdOrCtrl+Shift+B', click: () => actions.open('case') },
        { label: 'Recent Dumps', submenu: recentItems },
        { type: 'separator' },
        { label: 'Export Report…', accelerator: 'CmdOrCtrl+E', click: () => actions.command({ kind: 'export-report' }) },
        { label: 'Close Dump', accelerator: 'CmdOrCtrl+Shift+W', click: () => actions.command({ kind: 'close-session' }) },
        { type: 'separator' },
        { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: () => actions.command({ kind: 'find' }) },
      ],
    },
    { label: '&View', submenu: view },
    { label: '&Window', submenu: [{ role: 'minimize', accelerator: 'CmdOrCtrl+M' }, { role: 'close', accelerator: 'CmdOrCtrl+W' }] },
  ];
}

/**
 * The native open dialogs: one per thing a user opens (vmcore, vmlinux, traces, case bundles),
 * each starting where such files usually live on a Debian/RHEL box.
 */
import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';
import type { DialogKind } from '../api/preload-api.ts';

/** Dialog options for a kind of file. */
export function openDialogOptions(kind: DialogKind): OpenDialogOptions {
  switch (kind) {
    case 'vmcore':
      // kdump writes /var/crash/<stamp>/dump.<stamp> (Debian) or vmcore (RHEL): no extension.
      return { title: 'Open crash dump', defaultPath: '/var/crash', buttonLabel: 'Open dump', properties: ['openFile', 'showHiddenFiles', 'dontAddToRecent'] };
    case 'vmlinux':
      return {
        title: 'Choose the debug vmlinux',
        defaultPath: '/usr/lib/debug/boot',
        buttonLabel: 'Use vmlinux',
        properties: ['openFile', 'dontAddToRecent'],
      };
    case 'trace':
      return {
        title: 'Import traces',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections', 'dontAddToRecent'],
        filters: [
          { name: 'Traces (trace.dat, perf.data, text reports)', extensions: ['dat', 'data', 'txt'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
    case 'case':
      return {
        title: 'Open case bundle',
        buttonLabel: 'Open case',
        properties: ['openFile'],
        filters: [{ name: 'crashdeck case', extensions: ['crashcase'] }],
      };
  }
}

/** Show the dialog for `kind` over `window`; resolves to the chosen paths, [] when cancelled. */
export async function chooseFiles(dialog: Pick<Dialog, 'showOpenDialog'>, window: BaseWindow | null, kind: DialogKind): Promise<string[]> {
  const options = openDialogOptions(kind);
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

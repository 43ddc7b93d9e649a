/**
 * The serve host's first answers, read from index.html (electron/serve/boot-data.ts): the page
 * shows a running dump and its verdict before its WebSocket is open. Absent in Electron (IPC
 * answers at once) and in pages not served by the host.
 */
import type { BootData, BootDataElementId } from '../../electron/api/wire.ts';

const bootDataElementId: BootDataElementId = 'crashdeck-boot';

/** The data block's content, or null when there is none or it is not the expected shape. */
export function readBootData(doc: Document): BootData | null {
  const el = doc.getElementById(bootDataElementId);
  if (!el) return null;
  el.remove(); // read once: a later reload gets a fresh snapshot from the host
  try {
    const data = JSON.parse(el.textContent ?? '') as Partial<BootData> | null;
    if (!data || !Array.isArray(data.sessions) || typeof data.identify !== 'object' || data.identify === null) return null;
    return { sessions: data.sessions, identify: data.identify };
  } catch {
    return null;
  }
}

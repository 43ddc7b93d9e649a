/**
 * Trace summaries kept in the renderer's IndexedDB `traces` table, per dump, so an import is
 * still described after the host restarts (its events live in the host's spool, not here).
 */
import type { TraceSummary } from '../../../electron/trace/model.ts';
import type { CrashdeckDb } from '../../lib/db.ts';

/** A stored import as the view lists it. */
export interface StoredTrace {
  id: number;
  traceId: string;
  importedAt: number;
  summary: TraceSummary;
}

function isStoredData(x: unknown): x is { traceId: string; summary: TraceSummary } {
  const d = x as { traceId?: unknown; summary?: { file?: unknown; events?: unknown } } | null;
  return typeof d?.traceId === 'string' && typeof d.summary?.file === 'string' && typeof d.summary.events === 'number';
}

/** The dump's stored imports, newest first; records of another shape are passed over. */
export async function loadStored(db: CrashdeckDb | null, fingerprint: string): Promise<StoredTrace[]> {
  if (!db) return [];
  try {
    const rows = await db.traces.where('fingerprint').equals(fingerprint).toArray();
    return rows
      .filter((r) => r.id !== undefined && isStoredData(r.data))
      .map((r) => {
        const d = r.data as { traceId: string; summary: TraceSummary };
        return { id: r.id!, traceId: d.traceId, importedAt: r.importedAt, summary: d.summary };
      })
      .sort((a, b) => b.importedAt - a.importedAt);
  } catch {
    return [];
  }
}

/**
 * Writing a `.crashcase`: a zip (yazl) with manifest.json, dump.json, results.json,
 * annotations.json, triage.json, traces.json and, optionally, traces/<file>. Entries are
 * regular files with fixed modes and the bundle's creation time, so builds from the same
 * results differ only in createdAt.
 */
import yazl from 'yazl';
import type { CaseBundle } from './case-types.ts';

/** Trace file names as stored: a plain base name, nothing that could climb out of traces/. */
export function safeTraceName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'trace';
  return base.replace(/[^\w.+-]/g, '_').replace(/^\.+/, '_').slice(0, 128) || 'trace';
}

/** The bundle as zip bytes. */
export function writeCaseBundle(c: CaseBundle): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date(Date.parse(c.manifest.createdAt) || Date.now());
  const json = (name: string, value: unknown): void => zip.addBuffer(Buffer.from(JSON.stringify(value)), name, { mtime, mode: 0o100644 });
  json('manifest.json', c.manifest);
  json('dump.json', c.dump);
  json('results.json', c.results);
  json('annotations.json', c.annotations);
  json('triage.json', c.triage);
  json('traces.json', c.traces);
  for (const [name, bytes] of Object.entries(c.traceFiles ?? {})) zip.addBuffer(Buffer.from(bytes), `traces/${safeTraceName(name)}`, { mtime, mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

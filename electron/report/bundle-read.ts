/**
 * Reading a `.crashcase` safely. A bundle comes from someone else, so it is refused — with an
 * ApiError('bad-case') saying what is wrong — when it holds an entry that climbs out (`../`), an
 * absolute path, a symlink, more entries or more unpacked bytes than the caps (counted on the
 * bytes actually inflated, not on what the headers claim), a manifest from a newer schema, or
 * malformed JSON. Nothing is written to disk: the case lives in memory.
 */
import * as v from 'valibot';
import yauzl from 'yauzl';
import { ApiError } from '../api/contract.ts';
import { caseSchemaMajor, type CaseBundle } from './case-types.ts';
import { AnnotationsSchema, DumpSchema, ManifestSchema, ResultsSchema, TracesSchema, TriageFileSchema } from './case-schema.ts';

/** Caps on what an import may unpack. */
export interface CaseLimits {
  /** Bytes of the zip file itself. */
  maxFileBytes: number;
  /** Unpacked bytes of all entries together. */
  maxTotalBytes: number;
  /** Number of entries. */
  maxEntries: number;
}

/** Defaults: generous for real cases (a few MB), far below what would hurt the app. */
export const defaultCaseLimits: CaseLimits = { maxFileBytes: 256 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxEntries: 2000 };

type JsonFile = 'manifest.json' | 'dump.json' | 'results.json' | 'annotations.json' | 'triage.json' | 'traces.json';

function bad(message: string, hint = 'Ask for the case to be exported again with crashdeck; do not edit a .crashcase by hand.'): ApiError {
  return new ApiError('bad-case', message, hint);
}

/** Why an entry name is unsafe, or null when it is a plain relative path. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'has a NUL byte in its name';
  if (name.includes('\\')) return 'uses a backslash (a Windows path)';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((p) => p === '..')) return 'climbs out of the bundle (../)';
  return null;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(bad(`not a case bundle (not a zip file: ${err?.message ?? 'unreadable'})`));
      else resolve(zip);
    });
  });
}

/** Read and check a bundle from its bytes. */
export async function readCaseBundle(buf: Buffer, limits: CaseLimits = defaultCaseLimits): Promise<CaseBundle> {
  if (buf.length > limits.maxFileBytes) throw bad(`the case file is ${buf.length} bytes, more than the ${limits.maxFileBytes} bytes crashdeck opens`);
  const zip = await openZip(buf);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw bad(`the case holds ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed (a zip bomb?)`);
  }
  const files = new Map<string, Buffer>();
  let total = 0;
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown): void => {
      zip.close();
      reject(err instanceof ApiError ? err : bad(`the case bundle is damaged: ${(err as Error).message}`));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      seen++;
      const raw = entry.fileNameRaw ?? (entry.fileName as unknown as Buffer);
      const name = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
      if (seen > limits.maxEntries) return fail(bad(`the case holds more than ${limits.maxEntries} entries (a zip bomb?)`));
      const why = unsafeEntryName(name);
      if (why) return fail(bad(`entry ${JSON.stringify(name)} ${why}; refused`));
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) return fail(bad(`entry ${JSON.stringify(name)} is a symbolic link; refused`));
      if (name.endsWith('/')) return zip.readEntry();
      if (total + entry.uncompressedSize > limits.maxTotalBytes) return fail(bad(`the case unpacks to more than ${limits.maxTotalBytes} bytes (a zip bomb?)`));
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('no data'));
        const parts: Buffer[] = [];
        stream.on('data', (b: Buffer) => {
          // Counted on what inflates, whatever the header claimed.
          total += b.length;
          if (total > limits.maxTotalBytes) {
            stream.destroy();
            fail(bad(`the case unpacks to more than ${limits.maxTotalBytes} bytes (a zip bomb?)`));
            return;
          }
          parts.push(b);
        });
        stream.on('error', fail);
        stream.on('end', () => {
          if (total > limits.maxTotalBytes) return;
          files.set(name, Buffer.concat(parts));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return caseFromFiles(files);
}

function parseJson<T>(files: Map<string, Buffer>, name: JsonFile, schema: v.GenericSchema<unknown, T>, optional: T | undefined = undefined): T {
  const b = files.get(name);
  if (!b) {
    if (optional !== undefined) return optional;
    throw bad(`the case has no ${name}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(b.toString('utf8'));
  } catch (err) {
    throw bad(`${name} in the case is not valid JSON (${(err as Error).message})`);
  }
  const r = v.safeParse(schema, value);
  if (!r.success) {
    const issue = r.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw bad(`${name} in the case is malformed${where ? ` at ${where}` : ''}: ${issue.message}`);
  }
  return r.output;
}

function caseFromFiles(files: Map<string, Buffer>): CaseBundle {
  const manifest = parseJson(files, 'manifest.json', ManifestSchema);
  const m = /^crashdeck\.case\/(\d{1,6})$/.exec(manifest.schema);
  if (!m) throw bad(`manifest.json names schema ${JSON.stringify(manifest.schema)}, which is not a crashdeck case`);
  if (Number(m[1]) > caseSchemaMajor) {
    throw bad(
      `the case was written by crashdeck ${manifest.appVersion} in schema ${manifest.schema}, newer than this build reads (crashdeck.case/${caseSchemaMajor})`,
      'Update crashdeck to open it, or ask for an export from the same version.',
    );
  }
  const traceFiles: Record<string, Uint8Array> = {};
  for (const [name, b] of files) if (name.startsWith('traces/') && name.length > 7) traceFiles[name.slice(7)] = b;
  return {
    manifest,
    dump: parseJson(files, 'dump.json', DumpSchema),
    results: parseJson(files, 'results.json', ResultsSchema),
    annotations: parseJson(files, 'annotations.json', AnnotationsSchema, []),
    triage: parseJson(files, 'triage.json', TriageFileSchema, null),
    traces: parseJson(files, 'traces.json', TracesSchema, []),
    ...(Object.keys(traceFiles).length ? { traceFiles } : {}),
  };
}

/**
 * The fleet index: what `triage --all` already knows, so a second run over the same targets
 * triages only new dumps. Keyed by the dump fingerprint (crash/fingerprint.ts), plus where each
 * fingerprint was last seen (host, path, size, mtime) so an unchanged dump is recognised without
 * even reading its header.
 *
 * Crash-safe without a database: records are appended to `journal.jsonl` and fsync'd before a
 * result is reported; a torn last line (killed mid-write) is ignored on load. Compaction writes
 * the whole index to a temp file, fsyncs it and renames it over `index.json` (atomic), fsyncs the
 * directory, and only then empties the journal — at every instant the files on disk load into a
 * complete index. Lives in $XDG_CACHE_HOME/crashdeck (default ~/.cache/crashdeck).
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TriageReport } from '../api/triage-report.ts';

/** What the index keeps per fingerprint. */
export interface IndexedDump {
  fp: string;
  /** crashdeck version + engine of the verdict: a newer engine re-triages. */
  engine: string;
  at: number;
  release: string | null;
  buildId: string | null;
  crashTimeMs: number | null;
  report: TriageReport | null;
  reason: string | null;
  /** The crash-based verdict, once `--confirm` ran it. */
  confirmed?: TriageReport;
}

/** Where a fingerprint was seen. */
export interface IndexedLocation {
  host: string;
  path: string;
  size: number;
  mtimeMs: number;
  fp: string;
}

type JournalRecord = ({ t: 'dump' } & IndexedDump) | ({ t: 'loc' } & IndexedLocation);

const snapshotSchema = 'crashdeck.fleet-index/1';

/** The crashdeck cache directory: $XDG_CACHE_HOME/crashdeck, else ~/.cache/crashdeck. */
export function crashdeckCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'crashdeck');
}

const locKey = (host: string, p: string): string => `${host}\0${p}`;

/** The index in memory plus its files; open with `FleetIndex.open`. */
export class FleetIndex {
  private readonly dumps = new Map<string, IndexedDump>();
  private readonly locations = new Map<string, IndexedLocation>();
  private journal: FileHandle | undefined;
  private journalLines = 0;
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Notes from loading (ignored torn lines...). */
  readonly notes: string[] = [];

  private constructor(readonly dir: string) {}

  /** Load (or create) the index in `dir` (default: crashdeckCacheDir()/fleet-index). */
  static async open(dir: string = path.join(crashdeckCacheDir(), 'fleet-index')): Promise<FleetIndex> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const idx = new FleetIndex(dir);
    const intact = await idx.load();
    idx.journal = await open(path.join(dir, 'journal.jsonl'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    // Cut a torn tail off, or the next record would be glued to it and lost as well.
    if (intact !== null) await idx.journal.truncate(intact);
    return idx;
  }

  /** Load both files; returns the journal's intact length in bytes when its tail is torn, else null. */
  private async load(): Promise<number | null> {
    const snap = await readFile(path.join(this.dir, 'index.json'), 'utf8').catch(() => null);
    if (snap !== null) {
      try {
        const s = JSON.parse(snap) as { schema?: string; dumps?: IndexedDump[]; locations?: IndexedLocation[] };
        if (s.schema === snapshotSchema) {
          for (const d of s.dumps ?? []) this.dumps.set(d.fp, d);
          for (const l of s.locations ?? []) this.locations.set(locKey(l.host, l.path), l);
        } else {
          this.notes.push(`index.json has schema ${String(s.schema)}; starting a new index`);
        }
      } catch {
        this.notes.push('index.json is not valid JSON (written by something else?); starting a new index');
      }
    }
    const text = await readFile(path.join(this.dir, 'journal.jsonl'), 'utf8').catch(() => '');
    let torn = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec: JournalRecord;
      try {
        rec = JSON.parse(line) as JournalRecord;
      } catch {
        torn++;
        continue;
      }
      this.apply(rec);
      this.journalLines++;
    }
    if (torn) this.notes.push(`ignored ${torn} incomplete journal line(s) (a run was killed while writing)`);
    return text && !text.endsWith('\n') ? Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)) : null;
  }

  private apply(rec: JournalRecord): void {
    if (rec.t === 'dump' && typeof rec.fp === 'string') {
      const { t: _t, ...d } = rec;
      this.dumps.set(d.fp, d);
    } else if (rec.t === 'loc' && typeof rec.host === 'string' && typeof rec.path === 'string') {
      const { t: _t, ...l } = rec;
      this.locations.set(locKey(l.host, l.path), l);
    }
  }

  /** Number of fingerprints known. */
  get size(): number {
    return this.dumps.size;
  }

  /** The record for a fingerprint made by `engine`, if any. */
  dump(fp: string, engine: string): IndexedDump | undefined {
    const d = this.dumps.get(fp);
    return d && d.engine === engine ? d : undefined;
  }

  /** The fingerprint last seen at host:path, when size and mtime are unchanged. */
  fingerprintAt(host: string, p: string, size: number, mtimeMs: number): string | undefined {
    const l = this.locations.get(locKey(host, p));
    return l && l.size === size && l.mtimeMs === mtimeMs ? l.fp : undefined;
  }

  /** Record a verdict; resolves once it is on disk (fsync'd). */
  async putDump(d: IndexedDump): Promise<void> {
    this.dumps.set(d.fp, d);
    await this.write({ t: 'dump', ...d });
  }

  /** Record where a fingerprint lives; resolves once on disk. */
  async putLocation(l: IndexedLocation): Promise<void> {
    const prev = this.locations.get(locKey(l.host, l.path));
    if (prev && prev.fp === l.fp && prev.size === l.size && prev.mtimeMs === l.mtimeMs) return;
    this.locations.set(locKey(l.host, l.path), l);
    await this.write({ t: 'loc', ...l });
  }

  /** Group commit: every record queued while a write+fsync runs goes in the next one. */
  private write(rec: JournalRecord): Promise<void> {
    this.pending.push(JSON.stringify(rec) + '\n');
    const p = this.chain.then(() => this.drain());
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async drain(): Promise<void> {
    if (!this.pending.length) return;
    const batch = this.pending.join('');
    const n = this.pending.length;
    this.pending = [];
    if (!this.journal) throw new Error('fleet index is closed');
    await this.journal.write(batch);
    await this.journal.datasync();
    this.journalLines += n;
  }

  /**
   * Fold the journal into index.json (temp + fsync + rename + dir fsync, then empty the
   * journal). Skipped while another crashdeck compacts the same index (lock file).
   */
  async compact(): Promise<boolean> {
    await this.chain;
    const lock = path.join(this.dir, 'compact.lock');
    let lh: FileHandle;
    try {
      lh = await open(lock, 'wx', 0o600);
    } catch {
      // A lock left by a run killed mid-compaction must not block compaction forever.
      const st = await stat(lock).catch(() => null);
      if (!st || Date.now() - st.mtimeMs < 10 * 60_000) return false;
      await rm(lock, { force: true });
      try {
        lh = await open(lock, 'wx', 0o600);
      } catch {
        return false;
      }
    }
    try {
      const tmp = path.join(this.dir, `index.json.${process.pid}.tmp`);
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify({ schema: snapshotSchema, dumps: [...this.dumps.values()], locations: [...this.locations.values()] }));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path.join(this.dir, 'index.json'));
      const dh = await open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
      await this.journal?.truncate(0);
      await this.journal?.datasync();
      this.journalLines = 0;
      return true;
    } finally {
      await lh.close();
      await rm(lock, { force: true });
    }
  }

  /** Lines in the journal (compaction is worth it past a few hundred). */
  get journalLength(): number {
    return this.journalLines;
  }

  /** Flush, compact when the journal is long, and close. */
  async close(): Promise<void> {
    await this.chain;
    if (this.journalLines > 200) await this.compact().catch(() => false);
    await this.journal?.close();
    this.journal = undefined;
  }
}

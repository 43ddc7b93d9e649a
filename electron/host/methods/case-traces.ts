/**
 * case.traceFiles and case.importTrace: the trace files a `.crashcase` carries, imported like any
 * trace so a teammate without the original files sees the events. The caller names a file by its
 * bundle name only; the host writes the bytes into a private temp dir of its own (0700) under a
 * name it derives itself, and removes the copy when the trace is closed or the Api is disposed.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiError, type Params, type Result } from '../../api/contract.ts';
import type { MethodImpls } from '../../api/handlers.ts';
import { safeTraceName } from '../../report/bundle-write.ts';
import { getCaseRecord } from './case-methods.ts';
import type { ApiContext } from './context.ts';

/** The methods this module implements; trace.close is wrapped to drop the temp copy too. */
export type CaseTraceMethodName = 'case.traceFiles' | 'case.importTrace' | 'trace.close';

/** Where the temp copies go (tests point it at their own dir; default: the OS temp dir). */
export interface CaseTraceOptions {
  tempRoot?: string;
}

/** Build the case trace methods over the trace.* methods they import through. */
export function createCaseTraceMethods(
  ctx: ApiContext,
  trace: Pick<MethodImpls, 'trace.import' | 'trace.close'>,
  options: CaseTraceOptions = {},
): { impls: Pick<MethodImpls, CaseTraceMethodName>; tempDir(): Promise<string | null>; dispose(): Promise<void> } {
  let root: Promise<string> | null = null;
  let counter = 0;
  // traceId -> the per-import dir holding its temp copy.
  const copies = new Map<string, string>();
  const privateRoot = (): Promise<string> => {
    root ??= (async () => {
      const base = options.tempRoot ?? tmpdir();
      await mkdir(base, { recursive: true });
      const dir = await mkdtemp(path.join(base, 'crashdeck-case-traces-'));
      await chmod(dir, 0o700);
      return dir;
    })();
    return root;
  };

  const traceFiles = async (p: Params<'case.traceFiles'>): Promise<Result<'case.traceFiles'>> => getCaseRecord(ctx, p.sessionId).traceFileList();

  const importTrace = async (p: Params<'case.importTrace'>): Promise<Result<'case.importTrace'>> => {
    const record = getCaseRecord(ctx, p.sessionId);
    const bytes = record.traceFile(p.name);
    if (!bytes) {
      const names = record.traceFileList().map((f) => f.name);
      throw new ApiError('not-found', `the case holds no trace file named ${JSON.stringify(p.name)}`, names.length ? `It holds: ${names.join(', ')}` : 'It was exported without trace files.');
    }
    // One dir per import, so two bundle names that sanitise alike never share a file.
    const dir = path.join(await privateRoot(), `i${(counter++).toString(36)}`);
    await mkdir(dir, { mode: 0o700 });
    const file = path.join(dir, safeTraceName(p.name));
    try {
      await writeFile(file, bytes, { flag: 'wx', mode: 0o600 });
      const r = await trace['trace.import']({ file, ...(p.importId ? { importId: p.importId } : {}) });
      copies.set(r.traceId, dir);
      return r;
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  };

  const close = async (p: Params<'trace.close'>): Promise<Result<'trace.close'>> => {
    const r = await trace['trace.close'](p);
    const dir = copies.get(p.traceId);
    if (dir) {
      copies.delete(p.traceId);
      await rm(dir, { recursive: true, force: true });
    }
    return r;
  };

  return {
    impls: { 'case.traceFiles': traceFiles, 'case.importTrace': importTrace, 'trace.close': close },
    tempDir: async () => (root ? await root : null),
    dispose: async () => {
      copies.clear();
      if (root) await rm(await root, { recursive: true, force: true });
      root = null;
    },
  };
}

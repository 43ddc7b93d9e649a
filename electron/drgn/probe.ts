/**
 * Is drgn there, and which? One short `python3 -c` through a Transport (this machine or the
 * dump's host), for `crashdeck doctor` and before a drgn session starts.
 */
import type { Transport } from '../transport/types.ts';
import { SpawnError } from '../transport/local.ts';

/** What the probe found. */
export type DrgnProbe =
  | { found: true; python: string; drgn: string; pythonVersion: string }
  /** 'no-python': the interpreter does not start; 'no-drgn': it starts but `import drgn` fails. */
  | { found: false; python: string; reason: 'no-python' | 'no-drgn'; detail: string };

const probeCode = 'import sys\ntry:\n import drgn\nexcept Exception as e:\n print("nodrgn", sys.version.split()[0], repr(e)); sys.exit(0)\nprint("drgn", sys.version.split()[0], drgn.__version__)';

/** Run the probe; never throws for a missing python3 or drgn (that is the answer). */
export async function probeDrgn(transport: Transport, python: string, options: { timeoutMs?: number } = {}): Promise<DrgnProbe> {
  let out;
  try {
    out = await transport.exec({ command: python, args: ['-c', probeCode] }, { timeoutMs: options.timeoutMs ?? 30_000, maxBytes: 64 * 1024 });
  } catch (err) {
    const detail = err instanceof SpawnError ? err.message : String((err as Error).message ?? err);
    return { found: false, python, reason: 'no-python', detail };
  }
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  const m = /^(drgn|nodrgn) (\S+) (.*)$/.exec(line);
  if (out.code !== 0 || !m) {
    const detail = (out.stderr.trim() || out.stdout.trim() || `exit code ${out.code ?? out.signal}`).slice(-400);
    return { found: false, python, reason: 'no-python', detail };
  }
  if (m[1] === 'nodrgn') return { found: false, python, reason: 'no-drgn', detail: `python ${m[2]}: ${m[3]}` };
  return { found: true, python, drgn: m[3] as string, pythonVersion: m[2] as string };
}

/**
 * The python3 to run drgn with on a host: the one named (CRASHDECK_DRGN_PYTHON, settings
 * drgnPython, --drgn-python) as it is, else `python3` from PATH and then /usr/bin/python3 — the
 * distribution's python-drgn package installs into the system interpreter, which a pyenv or
 * virtualenv python3 earlier on PATH does not see. Returns the first that imports drgn, else
 * the probe of the first candidate (what to tell the user).
 */
export async function findDrgnPython(transport: Transport, named: string | null | undefined): Promise<DrgnProbe> {
  if (named) return probeDrgn(transport, named);
  let first: DrgnProbe | null = null;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = await probeDrgn(transport, candidate);
    if (probe.found) return probe;
    first ??= probe;
  }
  return first as DrgnProbe;
}

/**
 * Stand-in for electron/dumpinfo/log-triage.ts until that lands: the kernel log through
 * `makedumpfile --dump-dmesg` on the host holding the dump, parsed and triaged with basis "log".
 */
import { triage } from '../analyze/triage.ts';
import { readDumpFacts } from '../crash/dump-format.ts';
import { parseLog } from '../parse/log.ts';
import type { Transport } from '../transport/types.ts';
import type { FleetLogTriage } from './log-triage-port.ts';

const script = 'd=$(mktemp -d) || exit 99; makedumpfile --dump-dmesg "$1" "$d/dmesg" >/dev/null 2>"$d/err"; rc=$?; if [ $rc -eq 0 ]; then cat "$d/dmesg"; else cat "$d/err" >&2; fi; rm -rf "$d"; exit $rc';

/** Log-based triage of one dump (see the module comment). */
export async function interimTriageFromDumpLog(t: Transport, vmcore: string): Promise<FleetLogTriage> {
  const facts = await readDumpFacts(t, vmcore);
  const identity = { release: facts.release, buildId: null, crashTimeMs: facts.crashTimeMs, size: facts.size };
  const r = await t.exec({ command: 'sh', args: ['-c', script, 'sh', vmcore] }, { timeoutMs: 60_000 });
  if (r.code !== 0) return { identity, report: null, reason: `makedumpfile --dump-dmesg failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const log = parseLog(r.stdout).model;
  return { identity, report: triage({ log, logOnly: true }), reason: null };
}

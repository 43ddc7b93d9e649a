/**
 * The log-based triage fleet runs use: dumpinfo's triageFromDumpLog — the dump's own kernel log
 * (saved dmesg beside it, else makedumpfile --dump-dmesg on the host holding it), basis "log".
 */
import { triageFromDumpLog } from '../dumpinfo/log-triage.ts';
import type { LogTriageFn } from './log-triage-port.ts';

/** triageFromDumpLog as the fleet engine calls it. */
export const defaultLogTriage: LogTriageFn = (t, vmcore, opts) => triageFromDumpLog(t, vmcore, opts?.signal ? { signal: opts.signal } : {});

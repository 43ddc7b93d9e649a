/**
 * The log-based triage fleet runs use: the dump's own kernel log, read on the host holding it.
 */
import { interimTriageFromDumpLog } from './interim-log-triage.ts';
import type { LogTriageFn } from './log-triage-port.ts';

/** triageFromDumpLog as the fleet engine calls it. */
export const defaultLogTriage: LogTriageFn = (t, vmcore) => interimTriageFromDumpLog(t, vmcore);

/**
 * What `crashdeck doctor` reports: one check per thing a dump analysis needs or uses, each with
 * its status and, when it is not fine, the exact fix. The same shape goes to the CLI (--json),
 * the Api method `doctor.run` and the Open form's panel.
 */

/** ok: fine; fail: a dump cannot be read right without it (exit 1); warn: an optional feature is missing; skip: not applicable here. */
export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

/** One check's outcome. */
export interface DoctorCheck {
  /** Stable id ("crash", "crash-version", "vmlinux", "makedumpfile", "ssh-host-key", ...). */
  id: string;
  /** Where it was checked: "this machine" or the host's label. */
  where: string;
  /** What was checked, short ("crash found", "debug vmlinux for 6.1.0-56-cloud-amd64"). */
  title: string;
  status: CheckStatus;
  /** What was found (path and version, the failure as the tool said it). */
  detail: string;
  /** The exact next step when status is fail or warn. */
  fix?: string;
}

/** The whole report (`crashdeck.doctor/1`). */
export interface DoctorReport {
  schema: 'crashdeck.doctor/1';
  /** "local" or the SSH host's label. */
  host: string;
  checks: DoctorCheck[];
  /** No check failed: everything a dump needs is there (warnings allowed). */
  ok: boolean;
}

/** A report from its checks. */
export function doctorReport(host: string, checks: DoctorCheck[]): DoctorReport {
  return { schema: 'crashdeck.doctor/1', host, checks, ok: !checks.some((c) => c.status === 'fail') };
}

/** `crashdeck doctor`'s one screen: each check on a line, its fix under it, a verdict at the end. */
import type { DoctorCheck, DoctorReport } from './types.ts';

const mark: Record<DoctorCheck['status'], string> = { ok: 'ok  ', fail: 'FAIL', warn: 'warn', skip: '--  ' };

/** Plain text for a terminal (no colours: it is read in logs and tickets too). */
export function renderDoctorText(r: DoctorReport): string {
  const lines: string[] = [];
  let where = '';
  for (const c of r.checks) {
    if (c.where !== where) {
      where = c.where;
      lines.push(`${lines.length ? '\n' : ''}${where}:`);
    }
    lines.push(`  ${mark[c.status]}  ${c.title}: ${c.detail}`);
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`        fix: ${c.fix}`);
  }
  const fails = r.checks.filter((c) => c.status === 'fail').length;
  const warns = r.checks.filter((c) => c.status === 'warn').length;
  lines.push('');
  lines.push(fails
    ? `${fails} problem(s) a dump analysis needs fixed${warns ? `, ${warns} optional feature(s) missing` : ''}: see "fix:" above.`
    : `Everything a dump needs is here${warns ? ` (${warns} optional feature(s) missing: see "fix:" above)` : ''}.`);
  return lines.join('\n') + '\n';
}

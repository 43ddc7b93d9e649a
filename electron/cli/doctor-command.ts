/**
 * `crashdeck doctor [--host H] [--dump VMCORE [--vmlinux P]] [--crash BIN] [--crash-dir DIR] [--json]`: one
 * screen saying what works and what to do (electron/doctor/). Exit codes: 0 everything a dump
 * needs is there, 1 something is missing (the fix is printed), 2 usage.
 */
import { createApi } from '../host/create-api.ts';
import { renderDoctorText } from '../doctor/render.ts';
import { terminalSshHosts } from '../transport/ssh-terminal.ts';
import { apiFailure, parseCommandArgs, usageError, type CliCommand } from './command-args.ts';

const usage = `Usage: crashdeck doctor [--host H] [--dump VMCORE [--vmlinux P]] [--crash BIN] [--crash-dir DIR] [--json]

Checks what a dump analysis needs and says how to fix what is missing: crash found and new
enough for the dump's kernel, the debug vmlinux, makedumpfile, kdump armed (on a host that
writes dumps) with a makedumpfile that handles its kernel; over --host also SSH, the host key,
file access and sudo -n; on this machine trace-cmd, perf, Chromium (PDF) and debuginfod.

  --host H        check that host over SSH (ssh://user@host:port or an ssh alias)
  --dump VMCORE   the dump to check crash and the vmlinux against (default: the dumps in --crash-dir)
  --vmlinux P     the debug vmlinux of --dump (default: searched from the dump's release)
  --crash BIN     crash binary (default: $CRASHDECK_CRASH, else settings.json's crashPath, else crash on PATH)
  --crash-dir DIR where dumps are (default /var/crash)
  --json          print the crashdeck.doctor/1 JSON

Exit codes: 0 everything a dump needs is there, 1 something is missing, 2 usage.
`;

const command: CliCommand = { name: 'doctor', usage };

/** Entry point of `crashdeck doctor`; returns the exit code. */
export async function doctorCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, {
    args,
    strict: true,
    allowPositionals: true,
    options: {
      host: { type: 'string' }, dump: { type: 'string' }, vmlinux: { type: 'string' }, crash: { type: 'string' }, 'crash-dir': { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length) return usageError(command, `unexpected argument ${JSON.stringify(positionals[0])} (give the dump with --dump)`);
  if (values.vmlinux !== undefined && values.dump === undefined) return usageError(command, '--vmlinux needs --dump VMCORE');
  for (const k of ['host', 'dump', 'vmlinux', 'crash', 'crash-dir'] as const) {
    if (values[k] !== undefined && values[k] === '') return usageError(command, `--${k} needs a value`);
  }
  const ssh = terminalSshHosts();
  const api = createApi({ transportFor: ssh.transportFor });
  try {
    const report = await api.call('doctor.run', {
      ...(values.host ? { host: values.host } : {}),
      ...(values.dump ? { dump: values.dump } : {}),
      ...(values.vmlinux ? { vmlinux: values.vmlinux } : {}),
      ...(values.crash ? { crash: values.crash } : {}),
      ...(values['crash-dir'] ? { crashDir: values['crash-dir'] } : {}),
    });
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : `crashdeck doctor — ${report.host === 'local' ? 'this machine' : report.host}\n\n${renderDoctorText(report)}`);
    return report.ok ? 0 : 1;
  } catch (err) {
    return apiFailure(command, err);
  } finally {
    await api.dispose();
    await ssh.closeAll();
  }
}

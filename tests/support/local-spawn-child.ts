/**
 * A child process for parent-death tests: starts a program (or a crash session on a fixture)
 * through LocalTransport, prints `{"pid":N}` on stdout and then stays alive until killed, so
 * the test can SIGKILL it and watch what happens to the grandchild.
 *
 * Run: node --import tsx tests/support/local-spawn-child.ts '<json LocalSpawnChildSpec>'
 */
import { CrashSession } from '../../electron/crash/session.ts';
import { LocalTransport } from '../../electron/transport/local.ts';

/** What the child starts. */
export type LocalSpawnChildSpec =
  | { kind: 'program'; command: string; args: string[]; dieWithParent: boolean }
  | { kind: 'crash'; crashPath: string; vmcore: string; vmlinux: string; crashVersion: string; release: string; dieWithParent: boolean };

const spec = JSON.parse(process.argv[2] ?? '{}') as LocalSpawnChildSpec;
let pid: number | undefined;
if (spec.kind === 'program') {
  const proc = await new LocalTransport({ dieWithParent: spec.dieWithParent }).spawn({ command: spec.command, args: spec.args });
  pid = proc.pid;
} else {
  const session = new CrashSession({ transport: new LocalTransport({ dieWithParent: spec.dieWithParent }), crashPath: spec.crashPath, vmcore: spec.vmcore, vmlinux: spec.vmlinux, crashVersion: spec.crashVersion, release: spec.release });
  await session.start();
  pid = session.pid;
}
process.stdout.write(`${JSON.stringify({ pid })}\n`);
setInterval(() => undefined, 60_000);

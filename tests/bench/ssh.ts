/**
 * SSH bench (panic-sysrq, crash 8.0.6), measured side by side in one run: the same commands
 * through a local CrashSession and through one over SSH (a real sshd on 127.0.0.1), alternating
 * local/remote so both see the same page cache. Prints, per command, the median wall time of
 * session.run() on each side and the difference — the per-command overhead of the SSH transport
 * (target <= +30 ms) — and, for `ps` and `kmem -s`, how many stdout chunks arrived over the
 * channel and when the first one came (streamed, not buffered whole).
 * Also the cost of one short exec (`true`) over SSH vs local: a new channel plus the remote
 * login shell, which crashdeck pays only for probes, never per crash command.
 */
import { CrashSession } from '../../electron/crash/session.ts';
import { LocalTransport } from '../../electron/transport/local.ts';
import { SshTransport } from '../../electron/transport/ssh.ts';
import type { RunningProcess, SpawnSpec, Transport } from '../../electron/transport/types.ts';
import { crash806, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { startSshd } from '../support/sshd.ts';

const commands = ['sys', 'bt', 'ps', 'kmem -s', 'mod', 'log', 'kmem -z'];
const rounds = 7;

/** A transport wrapper that timestamps every stdout chunk of the crash process. */
class ChunkClock implements Transport {
  readonly kind: 'local' | 'ssh';
  readonly label: string;
  chunks: number[] = [];
  constructor(private readonly inner: Transport) {
    this.kind = inner.kind;
    this.label = inner.label;
  }
  async spawn(spec: SpawnSpec): Promise<RunningProcess> {
    const p = await this.inner.spawn(spec);
    p.onStdout(() => this.chunks.push(performance.now()));
    return p;
  }
  exec: Transport['exec'] = (s, o) => this.inner.exec(s, o);
  stat: Transport['stat'] = (p) => this.inner.stat(p);
  readRange: Transport['readRange'] = (p, o, l) => this.inner.readRange(p, o, l);
  listDir: Transport['listDir'] = (p) => this.inner.listDir(p);
  close: Transport['close'] = () => this.inner.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Run the SSH bench and print per-command overhead and streaming facts. */
export async function runBench(): Promise<void> {
  const sshd = await startSshd({ name: 'bench' });
  const ssh = new SshTransport({ host: sshd.spec, home: sshd.home, appKnownHostsFile: `${sshd.dir}/app_known_hosts`, agent: null });
  const clock = new ChunkClock(ssh);
  const base = { crashPath: crash806(), vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath() };
  const local = new CrashSession({ ...base, transport: new LocalTransport() });
  const remote = new CrashSession({ ...base, transport: clock });
  try {
    const t0 = performance.now();
    await local.start();
    const localStart = performance.now() - t0;
    const t1 = performance.now();
    await remote.start();
    const remoteStart = performance.now() - t1;
    console.log(`startup: local ${(localStart / 1000).toFixed(2)} s, over SSH ${(remoteStart / 1000).toFixed(2)} s (incl. connect + auth)`);

    const times = new Map<string, { local: number[]; remote: number[] }>();
    const streaming = new Map<string, { chunks: number; firstMs: number; totalMs: number }>();
    for (let r = 0; r < rounds; r++) {
      for (const c of commands) {
        const entry = times.get(c) ?? { local: [], remote: [] };
        times.set(c, entry);
        let s = performance.now();
        await local.run(c);
        entry.local.push(performance.now() - s);
        clock.chunks = [];
        s = performance.now();
        await remote.run(c);
        const end = performance.now();
        entry.remote.push(end - s);
        if (r === rounds - 1 && (c === 'ps' || c === 'kmem -s')) {
          streaming.set(c, { chunks: clock.chunks.length, firstMs: (clock.chunks[0] ?? end) - s, totalMs: end - s });
        }
      }
    }
    const overheads: number[] = [];
    console.log(`median of ${rounds} runs per command (wall time of session.run):`);
    console.log('  command     local ms   ssh ms   overhead ms');
    for (const [c, t] of times) {
      const l = median(t.local);
      const rm = median(t.remote);
      overheads.push(rm - l);
      console.log(`  ${c.padEnd(10)} ${l.toFixed(1).padStart(9)} ${rm.toFixed(1).padStart(8)} ${(rm - l >= 0 ? '+' : '') + (rm - l).toFixed(1).padStart(8)}`);
    }
    const med = median(overheads);
    console.log(`median per-command overhead over SSH: ${med >= 0 ? '+' : ''}${med.toFixed(1)} ms (target <= +30 ms) ${med <= 30 ? 'OK' : 'OVER TARGET'}`);
    for (const [c, s] of streaming) {
      console.log(`streaming ${c}: ${s.chunks} stdout chunks over the channel, first after ${s.firstMs.toFixed(1)} ms of ${s.totalMs.toFixed(1)} ms`);
    }

    const lt = new LocalTransport();
    const execLocal: number[] = [];
    const execSsh: number[] = [];
    for (let i = 0; i < 5; i++) {
      let s = performance.now();
      await lt.exec({ command: 'true', args: [] });
      execLocal.push(performance.now() - s);
      s = performance.now();
      await ssh.exec({ command: 'true', args: [] });
      execSsh.push(performance.now() - s);
    }
    console.log(`one-shot exec \`true\`: local ${median(execLocal).toFixed(1)} ms, over SSH ${median(execSsh).toFixed(1)} ms (new channel + remote login shell incl. its rc files)`);
  } finally {
    await remote.close();
    await local.close();
    await ssh.close();
    await sshd.stop();
  }
}

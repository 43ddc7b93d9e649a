/**
 * drgn beside crash over SSH: hung-mutex-6.12 opened on a real sshd with a crash the host does not
 * have; drgn runs on the dump's host (its own python3, the system's drgn) and answers `ps` and the
 * hung task's stack through the session, labelled drgn, and the Panic view's follow-ups: the wait
 * chain's lock and owner read on the remote host. One session for the file.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { BtModel, PsModel } from '../../../electron/parse/models.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { fixtureMeta, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { panicVerdictThroughApi } from '../../support/panic-flow.ts';

const scenario = 'hung-mutex-6.12';
const truth = fixtureMeta(scenario).truth;
let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;
let info: SessionInfo;

beforeAll(async () => {
  sshd = await startSshd({ name: 'engines' });
  const userKnownHosts = path.join(sshd.dir, 'empty_known_hosts');
  writeFileSync(userKnownHosts, '');
  hosts = new SshHosts({ home: sshd.home, userKnownHostsFiles: [userKnownHosts], appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
  hosts.acceptHostKey(sshd.hostKeyFingerprint);
  // No CRASHDECK_DRGN_PYTHON: on a remote host drgn runs under that host's own python3.
  const { CRASHDECK_DRGN_PYTHON: _named, ...env } = process.env;
  api = createApi({ transportFor: hosts.transportFor, env: { ...env, CRASHDECK_DRGN: 'on' } });
  info = await api.call('session.open', { vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), crash: '/nonexistent/crash-for-this-test', host: `ssh://root@127.0.0.1:${sshd.port}` });
});
afterAll(async () => {
  if (info) await api.call('session.close', { sessionId: info.id });
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
});

describe('drgn on the dump\'s host over SSH', () => {
  it('answers ps from drgn on the remote host: the tasks crash listed', async () => {
    expect(info.host).toBe(`root@127.0.0.1:${sshd.port}`);
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'ps' } });
    expect(r.engine).toBe('drgn');
    const row = (t: PsModel['tasks'][number]): string => `${t.pid} ${t.ppid} ${t.state} ${t.comm.slice(0, 15)}`;
    expect((r.parsed?.model as PsModel).tasks.map(row).sort()).toEqual(parsePs(transcript(scenario, 'ps')).model.tasks.map(row).sort());
    const now = await api.call('session.info', { sessionId: info.id });
    expect(now.drgn?.state).toBe('ready');
  });

  it('answers the hung task\'s stack from drgn', async () => {
    const pid = truth.blocked_task?.pid as number;
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'bt', arg: String(pid) } });
    expect(r.engine).toBe('drgn');
    expect((r.parsed?.model as BtModel).tasks[0]?.command).toBe(truth.blocked_task?.comm);
  });

  it('reaches the Panic view\'s verdict from drgn on the remote host: the lock, its owner and where the owner sleeps', async () => {
    const { report, engines } = await panicVerdictThroughApi(api, info.id, vmcorePath(scenario));
    expect(engines.has('drgn')).toBe(true);
    expect(engines.has('crash')).toBe(false);
    const blocked = report.hung?.tasks.find((h) => h.pid === truth.blocked_task?.pid);
    expect(blocked?.waitsOn).toEqual({ kind: 'mutex', symbol: truth.lock });
    expect(blocked?.owner).toMatchObject({ pid: truth.lock_holder?.pid, comm: truth.lock_holder?.comm, function: truth.lock_holder_function });
  });
});

/** Guided command builders and the free-console guard, fed hostile input. */
import { describe, expect, it } from 'vitest';
import { ApiError, commandIds, type CommandId } from '../../../electron/api/contract.ts';
import { buildGuidedCommand, checkConsoleLine } from '../../../electron/crash/allowlist.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).code;
  }
  return 'accepted';
}

const hostile = [
  '1; !sh', '1 | sh', '1 > /tmp/x', '1 >> /tmp/x', '< /tmp/cmds', '$(reboot)', '`id`', '1\nquit', '1\rquit', '1\u0000',
  '-1', '1 2', ' 1 ; sys', '0x1|sh', '!!', '"1"', "'1'", '１２３', '../etc/passwd', 'a'.repeat(300), '1 #', '1\t2',
];

describe('buildGuidedCommand', () => {
  it('builds every argument-less command id exactly as named', () => {
    for (const id of ['sys', 'sys -t', 'log', 'ps', 'ps -G', 'bt -a', 'foreach bt', 'mod', 'mod -t', 'dev', 'kmem -i', 'kmem -s', 'kmem -z', 'kmem -f', 'kmem -V', 'kmem -g'] as CommandId[]) {
      expect(buildGuidedCommand({ id })).toBe(id);
      expect(code(() => buildGuidedCommand({ id, arg: '1' }))).toBe('bad-request');
    }
  });

  it('takes decimal pids for bt, vm and task, normalised', () => {
    expect(buildGuidedCommand({ id: 'vm', arg: '154' })).toBe('vm 154');
    expect(buildGuidedCommand({ id: 'bt', arg: '007' })).toBe('bt 7');
    expect(buildGuidedCommand({ id: 'task', arg: ' 1 ' })).toBe('task 1');
    expect(buildGuidedCommand({ id: 'vm' })).toBe('vm');
    for (const arg of ['4194305', '1e3', '0x10', '0b1', '+1', '1.0']) expect(code(() => buildGuidedCommand({ id: 'vm', arg }))).toBe('bad-request');
  });

  it('takes hex addresses for kmem -p and requires one', () => {
    expect(buildGuidedCommand({ id: 'kmem -p', arg: '0x1000000' })).toBe('kmem -p 0x1000000');
    expect(buildGuidedCommand({ id: 'kmem -p', arg: 'FFFF888005610000' })).toBe('kmem -p 0xffff888005610000');
    expect(code(() => buildGuidedCommand({ id: 'kmem -p' }))).toBe('bad-request');
    expect(code(() => buildGuidedCommand({ id: 'kmem -p', arg: '0x' + '1'.repeat(17) }))).toBe('bad-request');
  });

  it('takes slab cache names for kmem -S', () => {
    for (const name of ['bufpool_entry', 'kmalloc-512', 'ext4_inode_cache', 'TCPv6', 'fuse_request', 'kmalloc-rcl-1k', 'dm_bufio_buffer:t-0000256']) {
      expect(buildGuidedCommand({ id: 'kmem -S', arg: name })).toBe(`kmem -S ${name}`);
    }
    expect(code(() => buildGuidedCommand({ id: 'kmem -S', arg: '-s' }))).toBe('bad-request');
  });

  it('takes a pid and 1 to 16 hex addresses for vtop -c, normalised to 0x… lower case', () => {
    expect(buildGuidedCommand({ id: 'vtop -c', arg: '179 0x7f66d5e7b000' })).toBe('vtop -c 179 0x7f66d5e7b000');
    expect(buildGuidedCommand({ id: 'vtop -c', arg: '0179 9C88000 0x400000' })).toBe('vtop -c 179 0x9c88000 0x400000');
    const sixteen = Array.from({ length: 16 }, (_, i) => `0x${(0x400000 + i * 0x1000).toString(16)}`);
    expect(buildGuidedCommand({ id: 'vtop -c', arg: `1 ${sixteen.join(' ')}` })).toBe(`vtop -c 1 ${sixteen.join(' ')}`);
    for (const arg of ['179', '', `1 ${sixteen.join(' ')} 0x1`, '179  0x1', 'abc 0x1', '4194305 0x1', '179 0xg', '179 -u', '179 0x1 -k', '179,0x1']) {
      expect(code(() => buildGuidedCommand({ id: 'vtop -c', arg })), JSON.stringify(arg)).toBe('bad-request');
    }
  });

  it('refuses hostile pids and addresses for vtop -c', () => {
    for (const bad of hostile.filter((h) => h !== '1 2')) {
      for (const arg of [bad, `179 ${bad}`, `${bad} 0x1`, `179 0x1 ${bad}`]) {
        expect(code(() => buildGuidedCommand({ id: 'vtop -c', arg })), JSON.stringify(arg)).toBe('bad-request');
      }
    }
  });

  it('panic-kind follow-ups: symbols or addresses, a module and its .ko, a pid for bt -F', () => {
    expect(buildGuidedCommand({ id: 'struct mutex.owner', arg: 'qdrv_cfg_mutex' })).toBe('struct mutex.owner qdrv_cfg_mutex');
    expect(buildGuidedCommand({ id: 'sym', arg: 'FFFFFFFFC02140E5' })).toBe('sym 0xffffffffc02140e5');
    expect(buildGuidedCommand({ id: 'dis -rl', arg: '0xffffffffc02140e5' })).toBe('dis -rl 0xffffffffc02140e5');
    expect(buildGuidedCommand({ id: 'bt -F', arg: '307' })).toBe('bt -F 307');
    expect(buildGuidedCommand({ id: 'foreach UN bt' })).toBe('foreach UN bt');
    expect(buildGuidedCommand({ id: 'mod -s', arg: 'qdrv' })).toBe('mod -s qdrv');
    expect(buildGuidedCommand({ id: 'mod -s', arg: 'qdrv /var/crash/x/qdrv.ko' })).toBe('mod -s qdrv /var/crash/x/qdrv.ko');
    for (const arg of ['qdrv ../qdrv.ko', 'qdrv /var/crash/../../etc/shadow.ko', 'qdrv /etc/shadow', 'qdrv /a b.ko', 'qdrv /x.ko extra', '-d qdrv', 'qdrv;ls']) {
      expect(code(() => buildGuidedCommand({ id: 'mod -s', arg })), JSON.stringify(arg)).toBe('bad-request');
    }
    for (const arg of ['qdrv_cfg_mutex+8', '*ptr', '$rdi', '-l', 'a b', '(x)']) {
      expect(code(() => buildGuidedCommand({ id: 'sym', arg })), JSON.stringify(arg)).toBe('bad-request');
      expect(code(() => buildGuidedCommand({ id: 'struct mutex.owner', arg })), JSON.stringify(arg)).toBe('bad-request');
    }
    expect(code(() => buildGuidedCommand({ id: 'bt -F' }))).toBe('bad-request');
  });

  it('refuses every hostile argument for every command that takes one', () => {
    for (const id of ['bt', 'vm', 'task', 'kmem -p', 'kmem -S', 'help', 'bt -F', 'sym', 'struct mutex.owner', 'struct rw_semaphore.owner', 'mod -s', 'dis -rl'] as CommandId[]) {
      for (const arg of hostile) {
        expect(code(() => buildGuidedCommand({ id, arg })), `${id} ${JSON.stringify(arg)}`).toBe('bad-request');
      }
    }
  });

  it('never produces a line with shell or control characters, whatever the input', () => {
    const inputs = [...hostile, '1', '0x10', 'kmalloc-64', 'ps'];
    for (const id of commandIds) {
      for (const arg of inputs) {
        let line: string;
        try {
          line = buildGuidedCommand({ id, arg });
        } catch {
          continue;
        }
        expect(line).not.toMatch(/[!|<>;`$\n\r\0]/);
      }
    }
  });
});

describe('checkConsoleLine', () => {
  const shellish = [
    '!sh', ' !sh', '!!', '!12', 'log | grep oom', 'log|sh', 'ps > /tmp/ps', 'ps >> /tmp/ps', 'ps>/tmp/x', '< /tmp/cmds', 'ps -p < pids',
    'p "a|b"', "p 'x>y'", 'p "\\!x"', 'sym "!"', 'foreach bt | sh',
  ];
  /** gdb commands that run programs, load code or write files, also abbreviated (gdb accepts
   * unambiguous prefixes; crash 8.0.6 blocks `shell` but runs `she echo x`). */
  const gdbTricks = [
    'gdb shell id', 'shell id', 'she id', 'shel id', 'gdb she id', 'gdb SHE id', 'mak', 'make -C /', 'ed', 'edit', 'sou /tmp/x.gdb', 'source /tmp/x.gdb',
    'py print(1)', 'pyt', 'gu', 'guile', 'compile code 1', 'dum memory /tmp/x 0 1', 'gdb dump memory /tmp/x 0 1', 'appe value /tmp/x 1',
    'gdb set logging on', 'gdb set logging file /tmp/x', 'gcore /tmp/core', 'generate-core-file', 'cd /', 'ru', 'start', 'attach 1',
    'target remote 1.2.3.4:1', 'interpreter-exec python print(1)', 'add-symbol-file /tmp/x.o', 'extend /tmp/evil.so', 'alias zz gdb shell id',
    'rd -r /tmp/out ffffffff82000000 64', 'rd -8r /tmp/out 0 1', 'gdb alias zz = shell', 'set console /tmp/x', 'set core on', 'set error /tmp/errs',
  ];

  it('refuses shell escapes, pipes, redirections and command files while shell is off — even quoted', () => {
    for (const line of shellish) expect(code(() => checkConsoleLine(line, false)), JSON.stringify(line)).toBe('refused');
  });

  it('refuses gdb commands that run programs, load code or write files, however abbreviated', () => {
    for (const line of gdbTricks) expect(code(() => checkConsoleLine(line, false)), JSON.stringify(line)).toBe('refused');
  });

  it('still lets through read-only gdb and crash commands and kernel names', () => {
    for (const line of ['p jiffies', 'gdb p jiffies', 'gdb ptype struct task_struct', 'ptype struct page', 'whatis init_task', 'task_struct ffff888005610000', 'jiffies', 'alias', 'rd -s init_task 4', 'x/4gx 0xffffffff82000000', 'gdb info symbol 0xffffffff81a10e3d', 'dis -l schedule 4', 'struct file ffff888004e7a000', 'sym -l']) {
      expect(code(() => checkConsoleLine(line, false)), JSON.stringify(line)).toBe('accepted');
    }
  });

  it('lets them through once shell is on for the session', () => {
    expect(checkConsoleLine('log | grep oom', true)).toBe('log | grep oom');
    expect(checkConsoleLine('!echo hi', true)).toBe('!echo hi');
    expect(checkConsoleLine('ps > /tmp/ps', true)).toBe('ps > /tmp/ps');
    expect(checkConsoleLine('she echo hi', true)).toBe('she echo hi');
    expect(checkConsoleLine('extend /usr/lib/crash/extensions/trace.so', true)).toBe('extend /usr/lib/crash/extensions/trace.so');
  });

  it('always refuses several lines, control characters, quitting, history re-runs and multi-line gdb commands', () => {
    for (const line of ['sys\nquit', 'sys\r!sh', 'sys\u0000', 'sys\u001b[2J', 'q', 'quit', 'exit', 'QUIT', 'r', 'r 3', 'repeat -1 p jiffies', 'define x', 'gdb define x', 'while 1', 'python', 'commands 1', 'sn', 'set scroll on', 'set scroll less', 'set scroll CRASHPAGER', 'set gdb on']) {
      for (const shell of [false, true]) expect(code(() => checkConsoleLine(line, shell)), JSON.stringify(line)).not.toBe('accepted');
    }
  });

  it('accepts ordinary commands and trims them', () => {
    expect(checkConsoleLine('  kmem -s  ', false)).toBe('kmem -s');
    expect(checkConsoleLine('struct task_struct.comm ffff888005610000', false)).toBe('struct task_struct.comm ffff888005610000');
    expect(checkConsoleLine('rd -s init_task 4', false)).toBe('rd -s init_task 4');
    expect(checkConsoleLine('set scroll off', false)).toBe('set scroll off');
    expect(checkConsoleLine('set -v', false)).toBe('set -v');
    expect(checkConsoleLine('set radix 16', false)).toBe('set radix 16');
    expect(checkConsoleLine('set error redirect', false)).toBe('set error redirect');
    expect(checkConsoleLine('set 1', false)).toBe('set 1');
    expect(code(() => checkConsoleLine('   ', false))).toBe('bad-request');
  });
});

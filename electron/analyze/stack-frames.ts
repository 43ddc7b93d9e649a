/**
 * Reading call stacks the way a developer does: which frames are panic/scheduler machinery,
 * which primitive a blocked task waits in, and which module an address belongs to.
 */
import type { ModModel } from '../parse/models.ts';
import { baseName } from './module-owner.ts';

/** Frames that are the panic/oops/NMI machinery itself, never the cause. */
export const MACHINERY = /^(?:machine_kexec|__crash_kexec|crash_kexec|panic|vpanic|nmi_panic|oops_end|die|die_body|__die\w*|do_trap|do_error_trap|handle_invalid_op|exc_\w+|asm_exc_\w+|asm_sysvec_\w+|sysvec_\w+|handle_bug|report_bug|__warn|warn_slowpath\w*|dump_stack\w*|show_stack|show_trace_log_lvl|_printk|printk|vprintk\w*|notifier_call_chain|atomic_notifier_call_chain|\w*notify_die|crash_nmi_callback|nmi_handle|default_do_nmi|nmi_cpu_backtrace\w*|watchdog_timer_fn|watchdog_overflow_callback|__hrtimer_run_queues|hrtimer_interrupt|__sysvec_apic_timer_interrupt|irq_exit_rcu|__irq_exit_rcu|__do_softirq|do_softirq\w*|handle_softirqs|page_fault_oops|kernelmode_fixup_or_oops|__bad_area_nosemaphore|bad_area_nosemaphore|no_context|do_user_addr_fault|do_kern_addr_fault|handle_page_fault|__do_page_fault|do_page_fault|check_panic_on_oom|out_of_memory|dump_header|oom_kill_process|__oom_kill_process|hung_task_panic|check_hung_uninterruptible_tasks|check_hung_task|watchdog|kthread|ret_from_fork\w*|mce_panic|do_machine_check|mce_timed_out)$/;

/** Scheduler, sleep and lock-wait frames that say "waiting", not "where". */
export const WAITING = /^(?:__schedule|schedule\w*|io_schedule\w*|preempt_schedule\w*|context_switch|__switch_to\w*|wait_for_completion\w*|__wait_for_common|wait_for_common\w*|do_wait_for_common|rwsem_down_\w+|down_\w+|down|__down\w*|mutex_lock\w*|__mutex_lock\w*|rt_mutex\w*|__rt_mutex\w*|bit_wait\w*|out_of_line_wait_on_bit\w*|__wait_on_bit\w*|wait_on_page_bit\w*|folio_wait_bit\w*|folio_wait_writeback|__folio_lock\w*|__lock_page\w*|wait_woken|__wait_event\w*|prepare_to_wait\w*|finish_wait|msleep\w*|ssleep|usleep_range\w*|do_nanosleep|hrtimer_nanosleep|schedule_hrtimeout\w*|__wait_rcu_gp|synchronize_rcu\w*|wait_rcu_gp)$/;

/** What a blocked stack waits on, from the primitive it sleeps in (innermost first). */
export function waitKind(frames: readonly string[]): string {
  for (const raw of frames) {
    const fn = baseName(raw);
    if (/^(?:__mutex_lock\w*|mutex_lock\w*)$/.test(fn)) return 'mutex';
    if (/^(?:rwsem_down_\w+|down_read\w*|down_write\w*)$/.test(fn)) return 'rwsem';
    if (/^(?:rt_mutex\w*|__rt_mutex\w*)$/.test(fn)) return 'rt-mutex';
    if (/^(?:__down\w*|down|down_interruptible|down_killable|down_timeout)$/.test(fn)) return 'semaphore';
    if (/^(?:wait_for_completion\w*|__wait_for_common|wait_for_common\w*)$/.test(fn)) return 'completion';
    if (/^(?:folio_wait_bit\w*|__folio_lock\w*|__lock_page\w*|wait_on_page_bit\w*|folio_lock\w*)$/.test(fn)) return 'folio-lock';
    if (/^(?:io_schedule\w*|folio_wait_writeback|submit_bio_wait|blk_\w+|bit_wait_io\w*|wait_on_buffer|__wait_on_buffer)$/.test(fn)) return 'io';
    if (/^(?:synchronize_rcu\w*|__wait_rcu_gp|wait_rcu_gp)$/.test(fn)) return 'rcu';
  }
  return 'unknown';
}

/** One frame as a developer reads it. */
export interface NamedFrame {
  function: string;
  module: string | null;
  offset: string | null;
}

/** "qdrv_write+0x83/0xb0 [qdrv]" / "qdrv_write+131" / "qdrv_write" -> frame; null for unreadable text. */
export function frameOf(text: string, module: string | null = null): NamedFrame | null {
  const m = /^\??\s*([\w.$]{1,128})(\+(?:0x)?[0-9a-f]{1,16}(?:\/0x[0-9a-f]{1,16})?)?(?:\s+\[([\w-]{1,64})\])?\s*$/.exec(text.trim());
  if (!m) return null;
  return { function: m[1] as string, module: m[3] ?? module, offset: m[2] ?? null };
}

/** The first frame that is neither panic machinery nor a wait primitive. */
export function firstOwnFrame<T extends { function: string }>(frames: readonly T[], skipWaiting = true): T | null {
  for (const f of frames) {
    const fn = baseName(f.function);
    if (MACHINERY.test(fn) || (skipWaiting && WAITING.test(fn))) continue;
    return f;
  }
  return null;
}

/** The module whose text holds a hex address (crash `mod`: TEXT_BASE and SIZE). */
export function moduleOfAddress(mod: ModModel | null | undefined, address: string | null | undefined): string | null {
  if (!mod || !address) return null;
  let a: bigint;
  try {
    a = BigInt(address.startsWith('0x') ? address : `0x${address}`);
  } catch {
    return null;
  }
  for (const m of mod.modules) {
    if (!m.base) continue;
    const base = BigInt(`0x${m.base}`);
    if (a >= base && a < base + BigInt(m.size)) return m.name;
  }
  return null;
}

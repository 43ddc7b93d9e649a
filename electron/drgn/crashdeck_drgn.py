"""crashdeck's drgn engine: answers questions about one kernel crash dump as JSON lines.

Run as ``python3 -c "$(cat crashdeck_drgn.py)" VMCORE VMLINUX [--module-dir DIR] [--module
NAME=PATH ...]`` (crashdeck passes the program text as an argument, so nothing is installed on a
remote host). The program loads the dump once (and, with a module directory, each loaded
module's ``DIR/<name>.ko``; with --module, that file for that module), prints one ``{"event": "ready", ...}`` line (or ``{"event": "failed", ...}`` and exits 2), then
reads one request per line on stdin, ``{"id": 7, "op": "tasks", "args": {...}}``, and answers
each with one line, ``{"id": 7, "ok": true, "result": ...}`` or ``{"id": 7, "ok": false,
"error": {"type": ..., "message": ...}}``. A failing request never ends the program.

Each question is one small function built on drgn's helpers (``drgn.helpers.linux``); where an
older drgn lacks a helper (bookworm's 0.0.22 has no module kallsyms, no task_rss, no
slab_cache_usage) the function reads the same kernel structures itself. Works with drgn 0.0.22
(python 3.11) through 0.3.0 (python 3.14). Numbers are plain integers (pages, bytes, objects);
addresses are lower-case hex strings without 0x, the way crash prints them.
"""

import json
import os
import sys
import time
import traceback
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import drgn
from drgn import FaultError, Object, Program, cast
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu, per_cpu_ptr
from drgn.helpers.linux.pid import for_each_task, find_task
from drgn.helpers.linux.printk import get_dmesg
from drgn.helpers.linux.sched import idle_task, task_cpu, task_state_to_char
from drgn.helpers.linux.slab import for_each_slab_cache

Json = Dict[str, Any]


def hex_addr(value: int) -> str:
    """An address the way crash prints it: lower-case hex, no 0x, 16 digits for kernel space."""
    return format(value & 0xFFFFFFFFFFFFFFFF, "x").rjust(16, "0")


def has_member(obj: Object, name: str) -> bool:
    try:
        obj.member_(name)
        return True
    except LookupError:
        return False


def enum_names(prog: Program, type_name: str) -> List[Tuple[str, int]]:
    """The enumerators of ``enum type_name`` in value order (kernel stat item names), one name
    per value: aliases such as NR_ZONE_LRU_BASE (= NR_ZONE_INACTIVE_ANON) give way to the item's
    own name, and the NR_..._ITEMS / MIGRATE_TYPES counts are left out."""
    try:
        enumerators = prog.type(type_name).enumerators or ()
    except LookupError:
        return []
    by_value: Dict[int, str] = {}
    for e in enumerators:
        alias = e.name.endswith(("_BASE", "_ITEMS")) or e.name in ("MIGRATE_TYPES", "MIGRATE_PCPTYPES")
        if alias:
            continue
        by_value.setdefault(e.value, e.name)
    return sorted(((name, value) for value, name in by_value.items()), key=lambda pair: pair[1])


# ------------------------------------------------------------------------------------ modules


class ModuleSymbols:
    """Module code and data by address: which module holds an address and, from the module's
    own symbol table in memory (CONFIG_KALLSYMS; ``struct module``'s kallsyms), which symbol.
    drgn's ``load_module_kallsyms`` (0.0.31+) is registered as a symbol finder too, so stacks
    name module frames; this index serves 0.0.22 and the module-of-address question."""

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        self.ranges: List[Tuple[int, int, str]] = []
        self.symbols: Optional[List[Tuple[int, int, str, str]]] = None
        for mod in modules_list(prog):
            name = mod.name.string_().decode(errors="replace")
            for base, size in module_areas(mod):
                if size:
                    self.ranges.append((base, base + size, name))

    def module_of(self, address: int) -> Optional[str]:
        for start, end, name in self.ranges:
            if start <= address < end:
                return name
        return None

    def _load_symbols(self) -> List[Tuple[int, int, str, str]]:
        symbols: List[Tuple[int, int, str, str]] = []
        for mod in modules_list(self.prog):
            modname = mod.name.string_().decode(errors="replace")
            try:
                ks = mod.kallsyms if has_member(mod, "kallsyms") else mod
                count = ks.num_symtab.value_()
                if count <= 0 or count > 1_000_000:
                    continue
                symtab = Object(
                    self.prog,
                    self.prog.array_type(ks.symtab.type_.type, count),
                    address=ks.symtab.value_(),
                ).read_()
                strtab_addr = ks.strtab.value_()
                for i in range(count):
                    sym = symtab[i]
                    value = sym.st_value.value_()
                    name_off = sym.st_name.value_()
                    if not name_off or not value:
                        continue
                    name = self.prog.read(strtab_addr + name_off, 128).split(b"\0", 1)[0]
                    symbols.append((value, sym.st_size.value_(), name.decode(errors="replace"), modname))
            except FaultError:
                continue
        symbols.sort()
        return symbols

    def symbol_at(self, address: int) -> Optional[Tuple[str, int, str]]:
        """(name, offset, module) of the module symbol that holds address."""
        if self.symbols is None:
            self.symbols = self._load_symbols()
        best = None
        for value, size, name, modname in self.symbols:
            if value > address:
                break
            if address < value + max(size, 1) or (size == 0 and best is None):
                best = (name, address - value, modname)
        return best

    def address_of(self, name: str) -> Optional[int]:
        if self.symbols is None:
            self.symbols = self._load_symbols()
        for value, _size, symname, _mod in self.symbols:
            if symname == name:
                return value
        return None


def modules_list(prog: Program) -> Iterator[Object]:
    return list_for_each_entry("struct module", prog["modules"].address_of_(), "list")


def module_areas(mod: Object) -> List[Tuple[int, int]]:
    """(base, size) of a module's memory areas: 6.4+ ``mem[]``, before that the core layout."""
    if has_member(mod, "mem"):
        return [(m.base.value_(), m.size.value_()) for m in mod.mem]
    layout = mod.core_layout
    return [(layout.base.value_(), layout.size.value_())]


def q_modules(prog: Program, ctx: "Context", args: Json) -> Json:
    """`mod`: every loaded module, its struct module, text base and size."""
    rows = []
    for mod in modules_list(prog):
        areas = module_areas(mod)
        if has_member(mod, "mem"):
            # crash's SIZE on 6.4+ is the sum of the module's memory areas.
            size = sum(size for _base, size in areas)
        else:
            size = areas[0][1]
        rows.append(
            {
                "module": hex_addr(mod.value_()),
                "name": mod.name.string_().decode(errors="replace"),
                "base": hex_addr(areas[0][0]),
                "size": size,
                "taints": mod.taints.value_() if has_member(mod, "taints") else None,
                "objectFile": ctx.loaded_modules.get(mod.name.string_().decode(errors="replace")),
            }
        )
    return {"modules": rows}


# -------------------------------------------------------------------------------------- tasks

# crash's task_state_string(): two-letter states from __state / exit_state bits.
TASK_STATES = [
    (0x0400, "ID"),  # TASK_NOLOAD with UNINTERRUPTIBLE = TASK_IDLE
    (0x0001, "IN"),
    (0x0002, "UN"),
    (0x0004, "ST"),
    (0x0008, "TR"),
    (0x0040, "PA"),  # TASK_PARKED
    (0x0080, "DE"),  # TASK_DEAD
    (0x0200, "WA"),  # TASK_WAKING
    (0x0800, "NE"),  # TASK_NEW
]


def task_state(task: Object) -> str:
    exit_state = task.exit_state.value_()
    if exit_state & 0x10:
        return "ZO"
    if exit_state & 0x20:
        return "DE"
    state = (task.__state if has_member(task, "__state") else task.state).value_()
    if state == 0:
        return "RU"
    if state & 0x0402 == 0x0402:
        return "ID"
    for bit, name in TASK_STATES[1:]:
        if state & bit:
            return name
    return "??"


def mm_counter(mm: Object, index: int) -> int:
    """One rss counter: 6.2+ percpu_counter (global count plus every CPU's delta, as
    percpu_counter_sum does), before that an atomic_long in rss_stat.count[]."""
    stat = mm.rss_stat
    try:
        counter = stat[index]
    except (TypeError, LookupError):
        return max(stat.count[index].counter.value_(), 0)
    total = counter.count.value_()
    prog = mm.prog_
    for cpu in for_each_online_cpu(prog):
        total += per_cpu_ptr(counter.counters, cpu)[0].value_()
    return max(total, 0)


def task_rss_pages(task: Object) -> int:
    """RSS in pages as crash counts it: the mm's file + anon + shmem counters and, before 6.2
    (SPLIT_RSS_COUNTING), every thread's not yet folded-in task->rss_stat deltas."""
    mm = task.mm
    if not mm:
        return 0
    prog = task.prog_
    items = []
    for item in ("MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES"):
        try:
            items.append(prog[item].value_())
        except KeyError:
            continue
    total = sum(mm_counter(mm, index) for index in items)
    if has_member(task, "rss_stat"):
        for thread in list_for_each_entry("struct task_struct", task.signal.thread_head.address_of_(), "thread_node"):
            total += sum(thread.rss_stat.count[index].value_() for index in items)
    return max(total, 0)


class Context:
    """What the questions share for one dump: page size, RAM pages, per-CPU current tasks,
    module symbols."""

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        self.page_size = prog["PAGE_SIZE"].value_() if "PAGE_SIZE" in prog else 4096
        self._modsyms: Optional[ModuleSymbols] = None
        self._ram: Optional[int] = None
        # Module name -> the .ko its debug info was loaded from (module dir, `mod -s`).
        self.loaded_modules: Dict[str, str] = {}
        self.slab_object_info: Optional[Callable[[Program, int], Any]] = None
        try:
            from drgn.helpers.linux.slab import slab_object_info

            self.slab_object_info = slab_object_info
        except ImportError:
            pass

    @property
    def modsyms(self) -> ModuleSymbols:
        if self._modsyms is None:
            self._modsyms = ModuleSymbols(self.prog)
        return self._modsyms

    @property
    def present_pages(self) -> int:
        """Pages present in every zone: crash's MEMORY and the base of ps's %MEM."""
        return sum(
            pgdat.node_zones[i].present_pages.value_()
            for _node, pgdat in for_each_pgdat(self.prog)
            for i in range(len(pgdat.node_zones))
        )

    @property
    def ram_pages(self) -> int:
        if self._ram is None:
            try:
                self._ram = self.prog["_totalram_pages"].counter.value_()
            except KeyError:
                self._ram = self.prog["totalram_pages"].value_()
        return self._ram

    def online_cpus(self) -> List[int]:
        return list(for_each_online_cpu(self.prog))

    def cpu_current(self) -> Dict[int, int]:
        """CPU -> address of the task running there (crash marks it '>' in ps)."""
        out = {}
        for cpu in self.online_cpus():
            out[cpu] = per_cpu(self.prog["runqueues"], cpu).curr.value_()
        return out


def all_tasks(ctx: Context) -> Iterator[Object]:
    """Every task the way crash's ps lists them: each CPU's idle task, then every thread."""
    prog = ctx.prog
    for cpu in ctx.online_cpus():
        yield idle_task(prog, cpu)
    init = prog["init_task"].address_
    for task in for_each_task(prog):
        if task.value_() != init:
            yield task


def task_row(ctx: Context, task: Object, current: Dict[int, int]) -> Json:
    address = task.value_()
    cpu = task_cpu(task)
    mm = task.mm
    rss_pages = task_rss_pages(task) if mm else 0
    total_vm = mm.total_vm.value_() if mm else 0
    kernel_thread = bool(task.flags.value_() & 0x00200000) or not mm  # PF_KTHREAD
    return {
        "pid": task.pid.value_(),
        # An idle task's real_parent is whoever booted its CPU; crash (and the kernel's own
        # view: no parent) says 0.
        "ppid": task.real_parent.pid.value_() if task.real_parent and task.pid.value_() != 0 else 0,
        "tgid": task.tgid.value_(),
        "cpu": cpu,
        "task": hex_addr(address),
        "state": task_state(task),
        "stateChar": task_state_to_char(task),
        "rssPages": rss_pages,
        "totalVmPages": total_vm,
        "comm": task.comm.string_().decode(errors="replace"),
        "kernelThread": kernel_thread,
        "active": current.get(cpu) == address,
    }


def q_tasks(prog: Program, ctx: Context, args: Json) -> Json:
    """`ps`: every task (pid, ppid, cpu, state, comm, rss and vsz in pages)."""
    current = ctx.cpu_current()
    rows = []
    for task in all_tasks(ctx):
        try:
            rows.append(task_row(ctx, task, current))
        except FaultError as error:
            rows.append({"task": hex_addr(task.value_()), "error": str(error)})
    return {"tasks": rows, "pageSize": ctx.page_size, "ramPages": ctx.ram_pages, "presentPages": ctx.present_pages}


# -------------------------------------------------------------------------------------- stack


KERNEL_SPACE = 0xFFFF800000000000  # x86-64: below this a PC is user space (the syscall's caller)


# Entry code labels inside a sized assembler symbol. The kernel's own traces and crash name a
# return address by the nearest symbol below it (kallsyms), drgn by the sized symbol holding it:
# the syscall's return into entry_SYSCALL_64 is entry_SYSCALL_64_after_hwframe+0x76 to both.
ENTRY_LABELS = {"entry_SYSCALL_64": "entry_SYSCALL_64_after_hwframe"}


def nearest_label(prog: Program, name: str, pc: int) -> Optional[Tuple[str, int]]:
    label = ENTRY_LABELS.get(name)
    if label is None:
        return None
    try:
        address = prog.symbol(label).address
    except LookupError:
        return None
    return (label, pc - address) if address <= pc else None


def frame_json(ctx: Context, frame: Any, level: int) -> Json:
    pc = frame.pc
    name = frame.name
    offset = None
    module = ctx.modsyms.module_of(pc)
    try:
        symbol = frame.symbol()
        if name is None:
            name = symbol.name
        offset = pc - symbol.address
        if name == symbol.name:
            name, offset = nearest_label(ctx.prog, name, pc) or (name, offset)
    except LookupError:
        if module is not None:
            found = ctx.modsyms.symbol_at(pc)
            if found is not None:
                name, offset, _ = found
    source = None
    try:
        filename, line, _column = frame.source()
        source = "%s: %d" % (filename, line)
    except LookupError:
        pass
    out: Json = {
        "level": level,
        "pc": hex_addr(pc),
        "sp": hex_addr(frame.sp) if hasattr(frame, "sp") else None,
        "function": name,
        "offset": offset,
        "module": module,
        "inline": bool(frame.is_inline),
        "interrupted": bool(frame.interrupted),
        "source": source,
    }
    if frame.interrupted or pc < KERNEL_SPACE:
        out["registers"] = {key: hex_addr(value) for key, value in frame.registers().items()}
    return out


def stack_frames(ctx: Context, trace: Any) -> Tuple[List[Json], bool]:
    """A stack's frames, cut where the unwinder lost its way: an older drgn without a module's
    debug info unwinds past a module frame into zero PCs (0.0.31) or stops (0.0.22). Returns
    the frames and whether it cut."""
    frames: List[Json] = []
    for level, frame in enumerate(trace):
        try:
            pc = frame.pc
        except LookupError:
            pc = 0  # "program counter is not known": 0.0.22 inside a module without its debug info
        if pc == 0:
            if not frames:
                raise LookupError("drgn %s cannot unwind this stack (program counter not known)" % drgn.__version__)
            return frames, True
        frames.append(frame_json(ctx, frame, level))
    return frames, False


IRQ_ENTRY_PREFIXES = ("sysvec_", "asm_sysvec_", "asm_common_interrupt", "common_interrupt", "irq_exit", "__sysvec_")


def task_frames(prog: Program, ctx: Context, trace: Any, task: Object) -> Tuple[List[Json], bool]:
    """stack_frames, and where the unwinder stopped at an interrupt's switch to the IRQ stack
    (drgn 0.0.22 loses the program counter there) for the task running on its CPU, the
    interrupted context's frames from the registers the interrupt saved (the CPU's __irq_regs,
    set by the sysvec handlers): a soft lockup's spinning function and its registers."""
    frames, cut = stack_frames(ctx, trace)
    if not cut or not frames or not str(frames[-1]["function"] or "").startswith(IRQ_ENTRY_PREFIXES):
        return frames, cut
    try:
        cpu = task_cpu(task)
        if ctx.cpu_current().get(cpu) != task.value_() or "__irq_regs" not in prog:
            return frames, cut
        regs = per_cpu(prog["__irq_regs"], cpu)
        if not regs or regs.ip.value_() < KERNEL_SPACE:
            return frames, cut
        more, more_cut = stack_frames(ctx, prog.stack_trace(regs))
    except (LookupError, FaultError, ValueError):
        return frames, cut
    for index, frame in enumerate(more):
        frame["level"] = len(frames) + index
    return frames + more, more_cut


def thread_of(prog: Program, pid: Optional[int], task_address: Optional[str], cpu: Optional[int] = None) -> Tuple[Any, Object]:
    if cpu is not None:
        # The task running on that CPU at the dump (a lockup's CPU): drgn unwinds it from the
        # registers the CPU saved when it stopped.
        task_address = hex_addr(per_cpu(prog["runqueues"], cpu).curr.value_())
    if task_address is not None:
        task = Object(prog, "struct task_struct *", value=int(task_address, 16))
        return prog.stack_trace(task), task
    if pid is None:
        thread = prog.crashed_thread()
        return thread.stack_trace(), thread.object
    task = find_task(prog, pid)
    if not task:
        raise LookupError("no task with pid %d" % pid)
    return prog.stack_trace(task), task


def stack_answer(prog: Program, ctx: Context, trace: Any, task: Object, current: Dict[int, int]) -> Json:
    """One task's stack in the `stack` answer's shape (without the panic registers)."""
    frames, cut = task_frames(prog, ctx, trace, task)
    try:
        crashed = prog.crashed_thread().object.value_() == task.value_()
    except Exception:  # noqa: BLE001 - a dump without a crashed thread
        crashed = False
    return {
        "pid": task.pid.value_(),
        "task": hex_addr(task.value_()),
        "cpu": task_cpu(task),
        "comm": task.comm.string_().decode(errors="replace"),
        "state": task_state(task),
        "active": current.get(task_cpu(task)) == task.value_(),
        "frames": frames,
        "truncated": cut,
        "crashed": crashed,
    }


def q_stack(prog: Program, ctx: Context, args: Json) -> Json:
    """`bt [pid]`: a task's frames (function + offset, module, source line), the registers of
    interrupted frames; by pid, task address or CPU (the task running there); without any, the
    panic task's, with its registers at the panic."""
    pid = args.get("pid")
    trace, task = thread_of(prog, pid, args.get("task"), args.get("cpu"))
    out = stack_answer(prog, ctx, trace, task, ctx.cpu_current())
    if pid is None and args.get("task") is None and args.get("cpu") is None:
        try:
            out["registers"] = {key: hex_addr(value) for key, value in trace[0].registers().items()}
        except (LookupError, IndexError):
            out["registers"] = None
    return out


def stack_or_error(prog: Program, ctx: Context, task: Object, current: Dict[int, int]) -> Json:
    """A task's stack answer, or {pid, task, comm, error} when it cannot be unwound: one
    unreadable task must not hide the others of a many-task answer."""
    try:
        return stack_answer(prog, ctx, prog.stack_trace(task), task, current)
    except Exception as error:  # noqa: BLE001
        return {
            "pid": task.pid.value_(),
            "task": hex_addr(task.value_()),
            "comm": task.comm.string_().decode(errors="replace"),
            "error": str(error),
        }


def q_active_stacks(prog: Program, ctx: Context, args: Json) -> Json:
    """`bt -a`: the stack of the task running on each online CPU (swapper/N on an idle one),
    unwound from the registers the CPU saved when the dump was taken."""
    current = ctx.cpu_current()
    stacks = []
    for cpu in ctx.online_cpus():
        task = Object(prog, "struct task_struct *", value=current[cpu])
        row = stack_or_error(prog, ctx, task, current)
        row["cpu"] = cpu
        stacks.append(row)
    return {"stacks": stacks}


def q_blocked_stacks(prog: Program, ctx: Context, args: Json) -> Json:
    """`foreach UN bt`: the stack of every task in uninterruptible sleep (D state)."""
    current = ctx.cpu_current()
    return {
        "stacks": [stack_or_error(prog, ctx, task, current) for task in for_each_task(prog) if task_state(task) == "UN"]
    }


# A frame's words past this many are not read (a frame that spans a stack switch).
MAX_FRAME_WORDS = 512


def slab_cache_of(prog: Program, ctx: Context, word: int) -> Optional[str]:
    """The slab cache whose object holds the address (drgn 0.0.26+'s slab_object_info, about
    50 us a word); None when it is no slab object or this drgn cannot tell."""
    if ctx.slab_object_info is None:
        return None
    try:
        info = ctx.slab_object_info(prog, word)
        return info.slab_cache.name.string_().decode(errors="replace") if info else None
    except Exception:  # noqa: BLE001 - a word that is no readable page is just a word
        return None


def word_text(prog: Program, ctx: Context, word: int) -> str:
    """One stack word as crash's `bt -F` writes it: the bare symbol name when the word is a
    symbol's address, ``name+off`` (decimal) inside one, ``[cache]`` inside a slab object, else
    16 hex digits."""
    if word < KERNEL_SPACE:
        return hex_addr(word)
    try:
        symbol = prog.symbol(word)
        offset = word - symbol.address
        # Assembler-local labels (.LC0: a string constant) are no symbol crash names.
        if not symbol.name.startswith(".L"):
            return symbol.name if offset == 0 else "%s+%d" % (symbol.name, offset)
    except LookupError:
        pass
    if ctx.modsyms.module_of(word) is not None:
        found = ctx.modsyms.symbol_at(word)
        if found is not None:
            name, offset, _ = found
            return name if offset == 0 else "%s+%d" % (name, offset)
    cache = slab_cache_of(prog, ctx, word)
    return "[%s]" % cache if cache else hex_addr(word)


def frame_words(prog: Program, ctx: Context, start: int, end: int) -> List[str]:
    if end <= start:
        return []
    end = min(end, start + 8 * MAX_FRAME_WORDS)
    data = prog.read(start, end - start)
    return [word_text(prog, ctx, int.from_bytes(data[i : i + 8], "little")) for i in range(0, len(data) - 7, 8)]


def q_stack_words(prog: Program, ctx: Context, args: Json) -> Json:
    """`bt -F PID`: each frame (inline ones left out, as crash does) with the 8-byte words of
    its stack frame, as crash shows them: from the frame's stack pointer up to the next frame's
    (the last word is the return address into the next frame's function), symbolic where a
    word is a symbol's address. The last kernel frame has none (crash prints its registers)."""
    trace, task = thread_of(prog, args.get("pid"), args.get("task"))
    frames, cut = task_frames(prog, ctx, trace, task)
    kernel = [f for f in frames if not f["inline"] and f["sp"] is not None and int(f["pc"], 16) >= KERNEL_SPACE]
    out_frames = []
    for index, frame in enumerate(kernel):
        sp = int(frame["sp"], 16)
        nxt = int(kernel[index + 1]["sp"], 16) if index + 1 < len(kernel) else None
        if nxt is not None and 0 < nxt - sp <= 8 * MAX_FRAME_WORDS:
            end = nxt
        else:
            # The last frame (crash prints the registers saved there, not words) or a frame whose
            # caller is on another stack (IRQ -> task: crash shows the switch).
            end = sp
        try:
            words = frame_words(prog, ctx, sp, end)
            error = None
        except FaultError as fault:
            words, error = [], str(fault)
        row: Json = {
            "level": index,
            "function": frame["function"],
            "offset": frame["offset"],
            "module": frame["module"],
            "pc": frame["pc"],
            "sp": frame["sp"],
            "words": words,
        }
        if error:
            row["error"] = error
        out_frames.append(row)
    return {
        "pid": task.pid.value_(),
        "comm": task.comm.string_().decode(errors="replace"),
        "task": hex_addr(task.value_()),
        "frames": out_frames,
        "truncated": cut,
    }


def nm_type(symbol: Any) -> str:
    """nm's type letter from drgn's symbol kind and binding (text / data; upper case when
    global); "?" when drgn does not say."""
    kind = getattr(symbol, "kind", None)
    letter = {"FUNC": "t", "OBJECT": "d", "TLS": "d"}.get(getattr(kind, "name", ""), "?")
    binding = getattr(getattr(symbol, "binding", None), "name", "")
    if binding == "WEAK":
        return "W" if letter == "t" else "V" if letter == "d" else "?"
    return letter.upper() if binding in ("GLOBAL", "UNIQUE") and letter != "?" else letter


def source_line(prog: Program, address: int) -> Optional[str]:
    """"FILE: LINE" of an address from debug info (the innermost inlined function's line), as
    crash's sym prints it; null when no debug info covers it (a module whose .ko is not loaded).
    drgn 0.3.0 has source_location; 0.0.27+ a one-frame stack trace; 0.0.22 neither."""
    try:
        if hasattr(prog, "source_location"):
            location = prog.source_location(address)[0]
            filename, line = location.filename, location.line
        elif hasattr(prog, "stack_trace_from_pcs"):
            # It takes PCs as return addresses and looks up the byte before each: ask one past.
            filename, line, _column = prog.stack_trace_from_pcs([address + 1])[0].source()
        else:
            return None
    except (LookupError, IndexError, ValueError):
        return None
    return "%s: %d" % (filename, line) if filename and line else None


def q_symbol(prog: Program, ctx: Context, args: Json) -> Json:
    """`sym ADDR` / `sym NAME`: the symbol holding an address, or a symbol by name (name,
    offset, nm type, module) and the source line when debug info has one."""
    if args.get("name"):
        address = symbol_address(prog, ctx, str(args["name"]))
    else:
        address = int(str(args["address"]), 16)
    module = ctx.modsyms.module_of(address)
    out: Json = {"address": hex_addr(address), "name": None, "offset": None, "type": None, "module": module, "source": None}
    try:
        symbol = prog.symbol(address)
        out.update({"name": symbol.name, "offset": address - symbol.address, "type": nm_type(symbol)})
    except LookupError:
        found = ctx.modsyms.symbol_at(address) if module is not None else None
        if found is not None:
            out.update({"name": found[0], "offset": found[1], "type": "?"})
    if out["name"] is not None:
        out["source"] = source_line(prog, address)
    return out


def module_names(prog: Program) -> List[str]:
    return [mod.name.string_().decode(errors="replace") for mod in modules_list(prog)]


def version_tuple(version: str) -> Tuple[int, ...]:
    parts = []
    for part in version.split("+")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


UNKNOWN = "?"


def module_debug_file(prog: Program, name: str) -> Optional[str]:
    """The file drgn holds the loaded module's debug info from (0.0.30+'s module API): its path,
    None when it has none, UNKNOWN when this drgn cannot say."""
    if not hasattr(prog, "loaded_modules"):
        return UNKNOWN
    for module in prog.modules():
        kind = getattr(getattr(module, "kind", None), "name", "")
        if getattr(module, "name", None) == name and kind in ("", "LINUX_KERNEL_LOADABLE"):
            return module.debug_file_path
    return None


def load_module_file(prog: Program, ctx: Context, name: str, path: str) -> Json:
    """Load one module's debug info (its .ko) into the program, so its frames unwind and get
    source lines. The answer says whether it took: {module, objectFile, error}; objectFile is
    the file drgn now holds the module's debug info from (an earlier one when FILE does not
    match the loaded module)."""
    out: Json = {"module": name, "objectFile": None, "error": None}
    if name not in module_names(prog):
        out["error"] = "module %s is not loaded in this dump" % name
        return out
    if not os.path.isfile(path):
        out["error"] = "%s: no such file" % path
        return out
    if version_tuple(drgn.__version__) < (0, 0, 23) and has_member(next(iter(modules_list(prog))), "mem"):
        # 0.0.22 reads the pre-6.4 struct module layout (core_size); given a .ko on a newer kernel
        # it keeps the file unrelocated, which names symbols at wrong addresses.
        out["error"] = "drgn %s cannot load module debug info on Linux 6.4+ (struct module changed); drgn 0.0.23 or newer can" % drgn.__version__
        return out
    try:
        prog.load_debug_info([path])
    except drgn.MissingDebugInfoError as error:
        # The error lists everything still without debug info (other modules too): only a line
        # naming this module, or the modules as a whole, means this load failed.
        lines = str(error).splitlines()[1:]
        failed = [line.strip() for line in lines if line.strip().startswith((name + " ", name + "(", "kernel modules"))]
        if failed:
            out["error"] = failed[0]
            return out
    except Exception as error:  # noqa: BLE001 - a bad file is an answer, not the end of the engine
        out["error"] = "%s: %s" % (type(error).__name__, error)
        return out
    held = module_debug_file(prog, name)
    if held is None:
        out["error"] = "%s does not match module %s of this dump (another build)" % (path, name)
        return out
    out["objectFile"] = path if held == UNKNOWN else held
    ctx.loaded_modules[name] = out["objectFile"]
    return out


def q_load_module(prog: Program, ctx: Context, args: Json) -> Json:
    """`mod -s NAME FILE`: load a module's debug info from FILE; later stacks and symbols of
    that module use it."""
    return load_module_file(prog, ctx, str(args["module"]), str(args["path"]))


def q_taint(prog: Program, ctx: Context, args: Json) -> Json:
    """`sys -t` and `mod -t`: the kernel's tainted_mask and each module's taint bits."""
    mask = prog["tainted_mask"].value_() if "tainted_mask" in prog else None
    modules = [
        {"name": mod.name.string_().decode(errors="replace"), "taints": mod.taints.value_()}
        for mod in modules_list(prog)
        if has_member(mod, "taints")
    ]
    return {"mask": mask, "modules": modules}


# --------------------------------------------------------------------------------------- slab


def slub_freelist_count(cache: Object, first: int, random: Optional[int]) -> int:
    """Objects on a SLUB freelist; with CONFIG_SLAB_FREELIST_HARDENED each next pointer is
    stored as ptr ^ s->random ^ swab(address of the pointer)."""
    prog = cache.prog_
    offset = cache.offset.value_()
    count = 0
    obj = first
    seen = set()
    while obj and obj not in seen and count < 1_000_000:
        seen.add(obj)
        count += 1
        where = obj + offset
        raw = prog.read_u64(where)
        if random is not None:
            raw ^= random ^ int.from_bytes(where.to_bytes(8, "little"), "big")
        obj = raw
    return count


def slub_usage(cache: Object, cpus: List[int]) -> Tuple[int, int, int]:
    """(slabs, objects, free objects) of a SLUB cache before 7.0: node totals (CONFIG_SLUB_DEBUG),
    free = partial slabs' objects - inuse (node and CPU partial lists) + the CPU freelists."""
    prog = cache.prog_
    slab_type = prog.type("struct slab *") if _has_type(prog, "struct slab") else prog.type("struct page *")
    random = cache.random.value_() if has_member(cache, "random") else None
    slabs = objects = free = 0
    nr_nodes = prog["nr_node_ids"].value_() if "nr_node_ids" in prog else 1
    if not has_member(cache, "node"):
        # 7.1 moved the nodes behind per_node[] and 6.18 added sheaves, which hold free objects
        # this count does not know: only drgn's own slab_cache_usage (0.3.0+) counts them.
        raise LookupError("slab counts of this kernel need drgn 0.3.0 or newer (per-node sheaves)")
    for index in range(nr_nodes):
        node = cache.node[index]
        if not node:
            continue
        slabs += node.nr_slabs.counter.value_()
        objects += node.total_objects.counter.value_()
        for slab in list_for_each_entry(slab_type.type, node.partial.address_of_(), "slab_list"):
            free += slab.objects.value_() - slab.inuse.value_()
    for cpu in cpus:
        c = per_cpu_ptr(cache.cpu_slab, cpu)
        free += slub_freelist_count(cache, c.freelist.value_(), random)
        # Frees from other CPUs go to the active slab's own freelist, not the CPU's.
        active = c.slab if has_member(c, "slab") else c.page
        if active:
            free += slub_freelist_count(cache, active.freelist.value_(), random)
        partial = c.partial if has_member(c, "partial") else None
        guard = 0
        while partial is not None and partial and guard < 100000:
            partial = cast(slab_type, partial)
            free += partial.objects.value_() - partial.inuse.value_()
            partial = partial.next
            guard += 1
    return slabs, objects, free


def _has_type(prog: Program, name: str) -> bool:
    try:
        prog.type(name)
        return True
    except LookupError:
        return False


def q_slab_caches(prog: Program, ctx: Context, args: Json) -> Json:
    """`kmem -s`: every slab cache (name, object size, allocated / total objects, slabs, slab
    size). Before 7.1 SLUB's counters are read here (they agree with crash on every 6.x fixture;
    drgn 0.3.0's slab_cache_usage counted more allocated objects there); 7.1+ keeps free objects
    in sheaves, which only drgn's own slab_cache_usage (0.3.0+) knows."""
    usage_helper: Optional[Callable[[Object], Any]] = None
    try:
        from drgn.helpers.linux.slab import slab_cache_usage

        usage_helper = slab_cache_usage
    except ImportError:
        pass
    cpus = ctx.online_cpus()
    rows = []
    for cache in for_each_slab_cache(prog):
        row: Json = {"address": hex_addr(cache.value_())}
        try:
            row["name"] = cache.name.string_().decode(errors="replace")
        except FaultError:
            row["name"] = None
        try:
            order = cache.oo.x.value_() >> 16
            row["objSize"] = cache.object_size.value_()
            row["slabSize"] = ctx.page_size << order
            if has_member(cache, "node") or usage_helper is None:
                slabs, objects, free = slub_usage(cache, cpus)
            else:
                usage = usage_helper(cache)
                slabs, objects, free = usage.num_slabs, usage.num_objs, usage.free_objs
            row.update({"slabs": slabs, "total": objects, "allocated": objects - free})
        except (FaultError, LookupError, ValueError) as error:
            row["error"] = str(error)
        rows.append(row)
    return {"caches": rows}


# -------------------------------------------------------------------------------------- zones


def for_each_pgdat(prog: Program) -> Iterator[Tuple[int, Object]]:
    try:
        node_data = prog["node_data"]
    except KeyError:
        yield 0, prog["contig_page_data"].address_of_()
        return
    nr = prog["nr_node_ids"].value_() if "nr_node_ids" in prog else 1
    for index in range(nr):
        if node_data[index]:
            yield index, node_data[index]


def q_zones(prog: Program, ctx: Context, args: Json) -> Json:
    """`kmem -z` and `kmem -f`: every zone (spanned / present / managed pages, watermarks, its
    vm_stat counters) and its free areas (per order, blocks per migrate type)."""
    stat_items = enum_names(prog, "enum zone_stat_item")
    migrate_names = [name for name, _ in enum_names(prog, "enum migratetype")]
    with_free = bool(args.get("freeAreas", True))
    zones = []
    for node, pgdat in for_each_pgdat(prog):
        for index in range(len(pgdat.node_zones)):
            zone = pgdat.node_zones[index]
            spanned = zone.spanned_pages.value_()
            watermarks = [zone._watermark[i].value_() for i in range(3)] if has_member(zone, "_watermark") else [
                zone.watermark[i].value_() for i in range(3)
            ]
            vm_stat = {name: zone.vm_stat[value].counter.value_() for name, value in stat_items}
            row: Json = {
                "node": node,
                "zone": index,
                "address": hex_addr(zone.address_),
                "name": zone.name.string_().decode(errors="replace"),
                "spanned": spanned,
                "present": zone.present_pages.value_(),
                "managed": zone.managed_pages.counter.value_() if has_member(zone.managed_pages, "counter") else zone.managed_pages.value_(),
                "startPfn": zone.zone_start_pfn.value_(),
                "min": watermarks[0],
                "low": watermarks[1],
                "high": watermarks[2],
                "vmStat": vm_stat,
            }
            if with_free and spanned:
                row["freeAreas"] = free_areas(zone, migrate_names)
            zones.append(row)
    return {"zones": zones, "pageSize": ctx.page_size}


def free_areas(zone: Object, migrate_names: List[str]) -> List[Json]:
    """Per order: nr_free (blocks) and the blocks on each migrate type's list."""
    out = []
    types = migrate_names
    for order in range(len(zone.free_area)):
        area = zone.free_area[order]
        per_type = []
        for index in range(len(area.free_list)):
            head = area.free_list[index].address_of_()
            count = 0
            try:
                node = head.next
                while node.value_() != head.value_() and count < 10_000_000:
                    count += 1
                    node = node.next
            except FaultError:
                count = -1
            per_type.append(
                {
                    "type": types[index] if index < len(types) else str(index),
                    "address": hex_addr(head.value_()),
                    "blocks": count,
                }
            )
        out.append({"order": order, "blocks": area.nr_free.value_(), "perType": per_type})
    return out


# ------------------------------------------------------------------------------------- memory


def q_memory(prog: Program, ctx: Context, args: Json) -> Json:
    """`kmem -i`'s inputs: RAM pages, the global zone / node vm_stat counters, swap, hugetlb,
    the commit limit inputs."""
    zone_stats = {
        name: prog["vm_zone_stat"][value].counter.value_()
        for name, value in enum_names(prog, "enum zone_stat_item")
        if not name.startswith("NR_VM_")
    }
    node_stats = {
        name: prog["vm_node_stat"][value].counter.value_()
        for name, value in enum_names(prog, "enum node_stat_item")
        if not name.startswith("NR_VM_")
    }
    out: Json = {
        "pageSize": ctx.page_size,
        "totalRamPages": ctx.ram_pages,
        "zoneStat": zone_stats,
        "nodeStat": node_stats,
        "totalSwapPages": prog["total_swap_pages"].value_() if "total_swap_pages" in prog else 0,
        "freeSwapPages": prog["nr_swap_pages"].counter.value_() if "nr_swap_pages" in prog else 0,
        "committedPages": prog["vm_committed_as"].count.value_() if "vm_committed_as" in prog else None,
        "overcommitRatio": prog["sysctl_overcommit_ratio"].value_() if "sysctl_overcommit_ratio" in prog else None,
        "totalreservePages": prog["totalreserve_pages"].value_() if "totalreserve_pages" in prog else None,
    }
    try:
        out["bufferPages"] = sum(_block_device_pages(prog))
    except Exception:  # noqa: BLE001 - buffers are an extra; never fail the counters for them
        out["bufferPages"] = None
    return out


def _block_device_pages(prog: Program) -> Iterator[int]:
    """Page-cache pages of every block device inode: what /proc/meminfo calls Buffers."""
    sb = prog["blockdev_superblock"]
    for inode in list_for_each_entry("struct inode", sb.s_inodes.address_of_(), "i_sb_list"):
        yield inode.i_mapping.nrpages.value_()


# --------------------------------------------------------------------------------------- sys


def uptime_seconds(prog: Program) -> Optional[int]:
    """Seconds since boot at the dump: the timekeeper's monotonic seconds, the clock of the log's
    timestamps. (crash's UPTIME counts jiffies, which run ahead of it in an emulated guest; HZ
    is no symbol a dump keeps.) 6.15 moved tk_core into timekeeper_data[]."""
    for name in ("tk_core", "timekeeper_data"):
        try:
            holder = prog[name]
            if name == "timekeeper_data":
                holder = holder[0]
            return holder.timekeeper.ktime_sec.value_()
        except (KeyError, LookupError, IndexError, TypeError):
            continue
    return None


def q_sys(prog: Program, ctx: Context, args: Json) -> Json:
    """`sys`: release, version, machine, node name, CPUs, uptime, load average, RAM, tasks,
    and the panic task."""
    uts = prog["init_uts_ns"].name
    avenrun = [prog["avenrun"][i].value_() for i in range(3)]
    panic_task: Optional[Json] = None
    try:
        thread = prog.crashed_thread()
        task = thread.object
        panic_task = {
            "pid": task.pid.value_(),
            "comm": task.comm.string_().decode(errors="replace"),
            "task": hex_addr(task.value_()),
            "cpu": task_cpu(task),
            "state": task_state(task),
        }
    except Exception as error:  # noqa: BLE001 - a dump without a crashed thread still has facts
        panic_task = {"error": str(error)}
    cpus = ctx.online_cpus()
    tasks = sum(1 for _ in all_tasks(ctx))
    return {
        "release": uts.release.string_().decode(errors="replace"),
        "version": uts.version.string_().decode(errors="replace"),
        "machine": uts.machine.string_().decode(errors="replace"),
        "nodename": uts.nodename.string_().decode(errors="replace"),
        "cpus": len(cpus),
        "uptimeSeconds": uptime_seconds(prog),
        "loadAverage": [value / 2048.0 for value in avenrun],
        "ramPages": ctx.ram_pages,
        "presentPages": ctx.present_pages,
        "pageSize": ctx.page_size,
        "tasks": tasks,
        "panicTask": panic_task,
        "drgn": drgn.__version__,
    }


def q_log(prog: Program, ctx: Context, args: Json) -> Json:
    """`log`: the kernel log as dmesg prints it (``[   seconds] text`` lines)."""
    return {"text": get_dmesg(prog).decode(errors="replace")}


# ------------------------------------------------------------------------------------ triage

LOCK_OWNER_FLAGS = 0x07  # MUTEX_FLAGS / RWSEM_OWNER_FLAGS_MASK: the low bits of ->owner


def lock_owner(prog: Program, ctx: Context, address: int, kind: Optional[str]) -> Json:
    """The owner of the mutex or rw_semaphore at address: ->owner as an unsigned long with the
    flag bits masked is the task_struct (for a reader-owned rwsem only a hint of the last one)."""
    if kind is None:
        kind = "mutex"
    type_name = "struct mutex" if kind == "mutex" else "struct rw_semaphore"
    lock = Object(prog, type_name, address=address)
    raw = lock.owner.counter.value_() & 0xFFFFFFFFFFFFFFFF
    out: Json = {"address": hex_addr(address), "kind": kind, "ownerRaw": hex_addr(raw), "owner": None}
    if kind == "rwsem":
        out["readerOwned"] = bool(raw & 0x1)
        out["count"] = lock.count.counter.value_()
    owner = raw & ~LOCK_OWNER_FLAGS
    if owner:
        task = Object(prog, "struct task_struct *", value=owner)
        out["owner"] = {
            "pid": task.pid.value_(),
            "comm": task.comm.string_().decode(errors="replace"),
            "task": hex_addr(owner),
            "state": task_state(task),
        }
    return out


def symbol_address(prog: Program, ctx: Context, name: str) -> int:
    try:
        return prog.symbol(name).address
    except LookupError:
        found = ctx.modsyms.address_of(name)
        if found is None:
            raise LookupError("no symbol %s (not in vmlinux nor in a module's kallsyms)" % name)
        return found


def symbol_name(prog: Program, ctx: Context, address: int) -> Optional[str]:
    try:
        symbol = prog.symbol(address)
        return symbol.name if symbol.address == address else "%s+%d" % (symbol.name, address - symbol.address)
    except LookupError:
        found = ctx.modsyms.symbol_at(address)
        if found is None:
            return None
        name, offset, _ = found
        return name if offset == 0 else "%s+%d" % (name, offset)


def q_lock_owner(prog: Program, ctx: Context, args: Json) -> Json:
    """The owner of a mutex / rwsem named by symbol (``qdrv_cfg_mutex``) or address."""
    kind = args.get("kind")
    if args.get("symbol"):
        address = symbol_address(prog, ctx, str(args["symbol"]))
    else:
        address = int(str(args["address"]), 16)
    out = lock_owner(prog, ctx, address, kind)
    out["symbol"] = symbol_name(prog, ctx, address)
    return out


# Functions a blocked task waits in, and the parameter that names what it waits for.
WAIT_FUNCTIONS = {
    "__mutex_lock": ("mutex", "lock"),
    "__mutex_lock_slowpath": ("mutex", "lock"),
    "mutex_lock": ("mutex", "lock"),
    "rwsem_down_write_slowpath": ("rwsem", "sem"),
    "rwsem_down_read_slowpath": ("rwsem", "sem"),
    "__down_write_common": ("rwsem", "sem"),
    "__down_read_common": ("rwsem", "sem"),
}
SCHED_FUNCTIONS = (
    "__schedule", "schedule", "schedule_preempt_disabled", "schedule_timeout", "io_schedule",
    "context_switch", "__switch_to", "__switch_to_asm", "__traceiter",
)


def blocked_task(prog: Program, ctx: Context, task: Object) -> Json:
    trace = prog.stack_trace(task)
    frames, cut = stack_frames(ctx, trace)
    wait: Optional[Json] = None
    for frame in trace:
        name = frame.name
        if name in WAIT_FUNCTIONS and wait is None:
            kind, param = WAIT_FUNCTIONS[name]
            try:
                lock = frame[param]
                address = lock.value_() if lock.type_.kind == drgn.TypeKind.POINTER else lock.address_
            except (KeyError, LookupError, drgn.ObjectAbsentError, ValueError) as error:
                wait = {"kind": kind, "function": name, "error": "lock not read: %s" % error}
                continue
            wait = lock_owner(prog, ctx, address, kind)
            wait["function"] = name
            wait["symbol"] = symbol_name(prog, ctx, address)
    # What it waits in: the first named frame past the scheduler and the lock primitives
    # (backupd -> qdrv_sync, not __mutex_lock).
    waiting_in = next(
        (
            f
            for f in frames
            if f["function"]
            and not f["inline"]
            and f["function"] not in SCHED_FUNCTIONS
            and f["function"] not in WAIT_FUNCTIONS
            and not f["function"].startswith(("schedule", "__schedule", "mutex_lock", "down_", "rwsem_"))
        ),
        None,
    )
    return {
        "pid": task.pid.value_(),
        "comm": task.comm.string_().decode(errors="replace"),
        "task": hex_addr(task.value_()),
        "state": task_state(task),
        "waitingIn": waiting_in["function"] if waiting_in else None,
        "lock": wait,
        "frames": frames,
        "truncated": cut,
    }


def q_blocked_tasks(prog: Program, ctx: Context, args: Json) -> Json:
    """The D-state (UN) tasks, what each waits in, and for a mutex / rwsem its owner and the
    owner's stack: the hung-task wait chains."""
    out = []
    owners: Dict[str, Json] = {}
    for task in for_each_task(prog):
        if task_state(task) != "UN":
            continue
        try:
            row = blocked_task(prog, ctx, task)
        except Exception as error:  # noqa: BLE001 - one unreadable task must not hide the rest
            row = {"pid": task.pid.value_(), "error": str(error)}
        lock = row.get("lock") or {}
        owner = lock.get("owner") if isinstance(lock, dict) else None
        if owner and owner["task"] not in owners:
            owner_task = Object(prog, "struct task_struct *", value=int(owner["task"], 16))
            try:
                owner_frames, owner_cut = stack_frames(ctx, prog.stack_trace(owner_task))
                owners[owner["task"]] = {
                    "pid": owner["pid"],
                    "comm": owner["comm"],
                    "task": owner["task"],
                    "state": owner["state"],
                    "frames": owner_frames,
                    "truncated": owner_cut,
                }
            except Exception as error:  # noqa: BLE001
                owners[owner["task"]] = {"pid": owner["pid"], "error": str(error)}
        out.append(row)
    return {"tasks": out, "owners": list(owners.values())}


# --------------------------------------------------------------------------------------- main

QUESTIONS: Dict[str, Callable[[Program, Context, Json], Json]] = {
    "sys": q_sys,
    "tasks": q_tasks,
    "stack": q_stack,
    "slab_caches": q_slab_caches,
    "zones": q_zones,
    "memory": q_memory,
    "modules": q_modules,
    "log": q_log,
    "lock_owner": q_lock_owner,
    "blocked_tasks": q_blocked_tasks,
    "active_stacks": q_active_stacks,
    "blocked_stacks": q_blocked_stacks,
    "stack_words": q_stack_words,
    "symbol": q_symbol,
    "load_module": q_load_module,
    "taint": q_taint,
}


def emit(message: Json) -> None:
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def load(vmcore: str, vmlinux: str) -> Tuple[Program, Json]:
    prog = Program()
    prog.set_core_dump(vmcore)
    try:
        prog.load_debug_info([vmlinux])
    except drgn.MissingDebugInfoError:
        # Modules without their .ko are expected: the vmlinux is what the questions need.
        pass
    features: Json = {"moduleKallsyms": False}
    try:
        from drgn.helpers.linux.kallsyms import load_module_kallsyms

        prog.register_symbol_finder("crashdeck_module_kallsyms", load_module_kallsyms(prog), enable_index=0)
        features["moduleKallsyms"] = True
    except (ImportError, AttributeError):
        pass
    except Exception as error:  # noqa: BLE001 - names stay addresses, everything else works
        features["moduleKallsymsError"] = str(error)
    return prog, features


def load_module_dir(prog: Program, ctx: Context, directory: str) -> Json:
    """Load ``DIR/<name>.ko`` for each loaded module that has one there (the module's debug info
    kept beside the dump): without it drgn 0.0.31 cannot unwind past a module frame. Says which
    modules took and why the others did not."""
    loaded: List[str] = []
    failed: Dict[str, str] = {}
    try:
        names = module_names(prog)
    except Exception as error:  # noqa: BLE001 - the module list unreadable: nothing to load
        return {"dir": directory, "loaded": loaded, "failed": {"*": str(error)}}
    for name in names:
        for candidate in (name, name.replace("_", "-")):
            path = os.path.join(directory, candidate + ".ko")
            if os.path.isfile(path):
                answer = load_module_file(prog, ctx, name, path)
                if answer["error"]:
                    failed[name] = answer["error"]
                else:
                    loaded.append(name)
                break
    return {"dir": directory, "loaded": loaded, "failed": failed}


class Args:
    """The command line: VMCORE VMLINUX [--module-dir DIR] [--module NAME=PATH ...]. --module
    repeats a `mod -s` answered before the engine was restarted (cancel, timeout)."""

    def __init__(self, vmcore: str, vmlinux: str, module_dir: Optional[str], modules: List[Tuple[str, str]]) -> None:
        self.vmcore = vmcore
        self.vmlinux = vmlinux
        self.module_dir = module_dir
        self.modules = modules


def parse_args(argv: List[str]) -> Optional[Args]:
    """The arguments, or None when they are not VMCORE VMLINUX [--module-dir DIR] [--module NAME=PATH ...]."""
    module_dir = None
    modules: List[Tuple[str, str]] = []
    positional: List[str] = []
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in ("--module-dir", "--module"):
            if not rest:
                return None
            value = rest.pop(0)
            if arg == "--module-dir":
                module_dir = value
            elif "=" in value:
                name, path = value.split("=", 1)
                modules.append((name, path))
            else:
                return None
        else:
            positional.append(arg)
    if len(positional) != 2:
        return None
    return Args(positional[0], positional[1], module_dir, modules)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    if args is None:
        usage = "usage: crashdeck_drgn VMCORE VMLINUX [--module-dir DIR] [--module NAME=PATH ...]"
        emit({"event": "failed", "error": {"type": "usage", "message": usage}})
        return 2
    started = time.monotonic()
    try:
        prog, features = load(args.vmcore, args.vmlinux)
        release = prog["init_uts_ns"].name.release.string_().decode(errors="replace")
    except Exception as error:  # noqa: BLE001 - said as JSON, never a traceback on stdout
        emit({"event": "failed", "error": {"type": type(error).__name__, "message": str(error)}})
        return 2
    ctx = Context(prog)
    if args.module_dir:
        features["moduleDebugInfo"] = load_module_dir(prog, ctx, args.module_dir)
    if args.modules:
        features["modulesLoaded"] = [load_module_file(prog, ctx, name, path) for name, path in args.modules]
    emit(
        {
            "event": "ready",
            "drgn": drgn.__version__,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "release": release,
            "features": features,
            "loadSeconds": round(time.monotonic() - started, 3),
        }
    )
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request_id: Any = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            question = QUESTIONS.get(request.get("op"))
            if question is None:
                raise LookupError("unknown question %r" % request.get("op"))
            t0 = time.monotonic()
            result = question(prog, ctx, request.get("args") or {})
            emit({"id": request_id, "ok": True, "result": result, "seconds": round(time.monotonic() - t0, 3)})
        except Exception as error:  # noqa: BLE001 - one bad request never ends the engine
            emit(
                {
                    "id": request_id,
                    "ok": False,
                    "error": {
                        "type": type(error).__name__,
                        "message": str(error),
                        "where": traceback.format_exc(limit=-2).strip().splitlines()[-3:],
                    },
                }
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

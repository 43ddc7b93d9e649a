/**
 * A small hand-made ELF64 core in the layout kexec-tools gives /proc/vmcore: ET_CORE, one
 * PT_NOTE (a CORE PRSTATUS note, then the VMCOREINFO note) and optionally one PT_LOAD mapping a
 * page of kernel memory that holds init_uts_ns's utsname. For tests of dump identity readers.
 */

/** What the core holds. */
export interface ElfCoreSpec {
  vmcoreinfo: string;
  /** A utsname placed at kernel virtual address `vaddr` (mapped by a PT_LOAD). */
  uts?: { vaddr: bigint; nodeName: string; machine: string; release: string };
}

function note(name: string, type: number, desc: Buffer): Buffer {
  const nameBuf = Buffer.from(`${name}\0`, 'latin1');
  const pad = (n: number): number => Math.ceil(n / 4) * 4;
  const out = Buffer.alloc(12 + pad(nameBuf.length) + pad(desc.length));
  out.writeUInt32LE(nameBuf.length, 0);
  out.writeUInt32LE(desc.length, 4);
  out.writeUInt32LE(type, 8);
  nameBuf.copy(out, 12);
  desc.copy(out, 12 + pad(nameBuf.length));
  return out;
}

/** Build the core's bytes. */
export function elfCore(spec: ElfCoreSpec): Buffer {
  const notes = Buffer.concat([note('CORE', 1, Buffer.alloc(336)), note('VMCOREINFO', 0, Buffer.from(spec.vmcoreinfo, 'latin1'))]);
  const phnum = spec.uts ? 2 : 1;
  const noteOff = 64 + 56 * phnum;
  const loadOff = Math.ceil((noteOff + notes.length) / 4096) * 4096;
  const size = spec.uts ? loadOff + 4096 : noteOff + notes.length;
  const b = Buffer.alloc(size);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(4, 16); // ET_CORE
  b.writeUInt16LE(62, 18); // EM_X86_64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phnum, 56);
  // PT_NOTE
  b.writeUInt32LE(4, 64);
  b.writeBigUInt64LE(BigInt(noteOff), 64 + 8);
  b.writeBigUInt64LE(BigInt(notes.length), 64 + 32);
  b.writeBigUInt64LE(BigInt(notes.length), 64 + 40);
  notes.copy(b, noteOff);
  if (spec.uts) {
    const base = spec.uts.vaddr & ~0xfffn;
    const p = 64 + 56;
    b.writeUInt32LE(1, p); // PT_LOAD
    b.writeUInt32LE(7, p + 4);
    b.writeBigUInt64LE(BigInt(loadOff), p + 8);
    b.writeBigUInt64LE(base, p + 16);
    b.writeBigUInt64LE(0x1000000n, p + 24);
    b.writeBigUInt64LE(4096n, p + 32);
    b.writeBigUInt64LE(4096n, p + 40);
    const at = loadOff + Number(spec.uts.vaddr - base);
    const fields = ['Linux', spec.uts.nodeName, spec.uts.release, '#1 SMP', spec.uts.machine, '(none)'];
    fields.forEach((f, i) => b.write(f, at + i * 65, 'latin1'));
  }
  return b;
}

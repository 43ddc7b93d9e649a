/**
 * Resolving raw kernel addresses (an unsymbolised perf.data gives `call_site=0xffffffffc0219046`
 * and `[unknown]` frames) from a kallsyms listing: /proc/kallsyms copied off the box, or the one
 * every trace.dat carries (`trace-cmd dump --kallsyms`). Module symbols are covered too, which a
 * vmlinux alone cannot do.
 */

/** A text symbol table for address -> "symbol+0xoff [module]". */
export interface Symbolizer {
  /** Number of text symbols loaded. */
  readonly size: number;
  /** Resolve an address ("0xffffffffc0219046" or "ffffffffc0219046"); null when outside every symbol. */
  resolve(address: string): { symbol: string; offset: number; module: string | null } | null;
  /** The module a text symbol belongs to, or null for the core kernel / unknown names. */
  moduleOf(symbol: string): string | null;
}

/** Farther than this past a symbol's start, an address is not inside it. */
const maxSymbolSize = 1 << 20;

/** Build a symbolizer from kallsyms text (`addr type name [module]` per line); other lines are ignored. */
export function parseKallsyms(text: string): Symbolizer {
  const rows: { addr: bigint; name: string; module: string | null }[] = [];
  const re = /^([0-9a-fA-F]{8,16})\s+([tTwW])\s+(\S+)(?:\s+\[([^\]]+)\])?\s*$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const addr = BigInt('0x' + m[1]!);
    if (addr === 0n) continue;
    rows.push({ addr, name: m[3]!, module: m[4] ?? null });
  }
  rows.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const addrs = BigUint64Array.from(rows.map((r) => r.addr));
  const modules = new Map<string, string>();
  for (const r of rows) if (r.module !== null) modules.set(r.name, r.module);
  return {
    size: rows.length,
    moduleOf: (symbol) => modules.get(symbol) ?? null,
    resolve(address) {
      const hex = address.startsWith('0x') || address.startsWith('0X') ? address.slice(2) : address;
      if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
      const target = BigInt('0x' + hex);
      let lo = 0;
      let hi = addrs.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (addrs[mid]! <= target) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found === -1) return null;
      const offset = Number(target - addrs[found]!);
      if (offset > maxSymbolSize) return null;
      const row = rows[found]!;
      return { symbol: row.name, offset, module: row.module };
    },
  };
}

/** True for a raw hex address as an unsymbolised tool prints it. */
export function isRawAddress(s: string): boolean {
  return /^(0x)?[0-9a-fA-F]{12,16}$/.test(s);
}

/**
 * `perf stat` output (plain, `-x,` CSV, and `-I` interval mode) as a counters card with rates:
 * the page-fault and TLB questions need "how many per second", which perf prints only for some.
 */
import type { PerfCounter, PerfStatCard } from '../api/trace-model.ts';

const plainRe = /^\s*(?:(\d+\.\d+)\s+)?([\d][\d,.]*|<not counted>|<not supported>)\s+(?:([a-zA-Z]+)\s+)?([^\s#]+)\s*(?:#\s*(.*?))?\s*(?:\((\d+(?:\.\d+)?)%\))?\s*$/;

/** Accumulates perf stat lines into a card. */
export class PerfStatParser {
  skipped = 0;
  private target: string | null = null;
  private elapsed: number | null = null;
  private user: number | null = null;
  private sys: number | null = null;
  private lastInterval: number | null = null;
  private readonly counters = new Map<string, PerfCounter>();

  line(raw: string): void {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.startsWith('#')) return;
    let m = /Performance counter stats for (?:'(.*)'|(.*)):\s*$/.exec(line);
    if (m) {
      this.target = m[1] ?? m[2]!.trim();
      return;
    }
    m = /^\s*(\d+(?:\.\d+)?)\s+seconds\s+(time elapsed|user|sys)\s*$/.exec(line);
    if (m) {
      const v = Number(m[1]);
      if (m[2] === 'time elapsed') this.elapsed = v;
      else if (m[2] === 'user') this.user = v;
      else this.sys = v;
      return;
    }
    if (/^\s*[+-]?\s*\d[\d.]*\s*\+-/.test(line) || /^\s*\d+ \w+ \d+ \w+\s*$/.test(line)) return;
    if (line.includes(',') && !/\s{2,}/.test(line.trim())) {
      if (this.csv(line)) return;
    }
    m = plainRe.exec(line);
    if (!m) {
      this.skipped++;
      return;
    }
    if (m[1] !== undefined) this.lastInterval = Number(m[1]);
    this.add(m[4]!, m[2]!, m[3] ?? null, m[5] ?? null);
  }

  private csv(line: string): boolean {
    const f = line.split(',');
    if (f.length < 3) return false;
    // Interval CSV puts the time first.
    if (f.length >= 4 && /^\d+\.\d+$/.test(f[0]!) && !/^\d/.test(f[3] ?? '') && /^[\d.<]/.test(f[1]!)) {
      this.lastInterval = Number(f[0]);
      f.shift();
    }
    const [value, unit, event, , , metric, metricUnit] = f;
    if (!value || !event || !/^([\d.]+|<not counted>|<not supported>)$/.test(value)) return false;
    const note = metric ? `${metric} ${metricUnit ?? ''}`.trim() : null;
    this.add(event, value, unit || null, note);
    return true;
  }

  private add(event: string, valueText: string, unit: string | null, note: string | null): void {
    const status: PerfCounter['status'] = valueText === '<not counted>' ? 'not-counted' : valueText === '<not supported>' ? 'not-supported' : 'counted';
    const value = status === 'counted' ? Number(valueText.replace(/,/g, '')) : null;
    const prev = this.counters.get(event);
    if (prev) {
      // Interval mode repeats each counter: the card shows the total over the run.
      if (value !== null) {
        prev.value = (prev.value ?? 0) + value;
        prev.status = 'counted';
      }
      if (note) prev.note = note;
      return;
    }
    this.counters.set(event, { event, value, unit, note: note || null, perSecond: null, status });
  }

  /** The card, with rates computed from the elapsed time (or the last interval's end). */
  card(): PerfStatCard {
    const elapsed = this.elapsed ?? this.lastInterval;
    const counters = [...this.counters.values()].map((c) => ({
      ...c,
      perSecond: c.value !== null && c.unit === null && elapsed !== null && elapsed > 0 ? c.value / elapsed : null,
    }));
    return { target: this.target, elapsedSeconds: elapsed, userSeconds: this.user, sysSeconds: this.sys, counters };
  }
}

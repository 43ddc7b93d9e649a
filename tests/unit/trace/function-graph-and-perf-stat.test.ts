import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import type { CallTreeNode } from '../../../electron/api/trace-model.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-fg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const child = (n: CallTreeNode | undefined, name: string): CallTreeNode | undefined => n?.children.find((c) => c.name === name);

describe('function_graph text', () => {
  // Two CPUs interleaved; durations chosen so self times are easy to work out by hand.
  const tracefs = [
    '# tracer: function_graph',
    '#',
    '# CPU  DURATION                  FUNCTION CALLS',
    '# |     |   |                     |   |   |   |',
    ' 0)               |  do_page_fault() {',
    ' 0)               |    handle_mm_fault() {',
    ' 1)               |  shrink_node() {',
    ' 0)               |      __do_fault() {',
    ' 0)   2.000 us    |        alloc_pages();',
    ' 1)               |    shrink_lruvec() {',
    ' 0)   5.000 us    |      }',
    ' 0)   1.000 us    |      alloc_pages();',
    ' 1) ! 150.000 us  |      shrink_inactive_list();',
    ' 0)   9.000 us    |    }',
    ' 0) + 10.500 us   |  }',
    ' 1) ! 200.000 us  |    }',
    ' 1) ! 250.000 us  |  }',
    ' ------------------------------------------',
    ' 0)    sh-100     =>    sh-101   ',
    ' ------------------------------------------',
    ' 0)               |  do_page_fault() {',
    ' 0)   3.000 us    |    handle_mm_fault();',
    ' 0)   4.000 us    |  } /* do_page_fault */',
    '',
  ].join('\n');

  it('builds the merged call tree with calls, total and self time per path', async () => {
    const s = await importTraceFile(file('graph.txt', tracefs));
    expect(s.format).toBe('function-graph');
    expect(s.skippedLines).toBe(0);
    const root = s.callTree!;
    const dpf = child(root, 'do_page_fault')!;
    expect(dpf).toMatchObject({ calls: 2, totalUs: 14.5, selfUs: 2.5 });
    const hmf = child(dpf, 'handle_mm_fault')!;
    expect(hmf).toMatchObject({ calls: 2, totalUs: 12, selfUs: 6 });
    expect(child(hmf, '__do_fault')).toMatchObject({ calls: 1, totalUs: 5, selfUs: 3 });
    expect(child(child(hmf, '__do_fault'), 'alloc_pages')).toMatchObject({ calls: 1, totalUs: 2, selfUs: 2 });
    expect(child(hmf, 'alloc_pages')).toMatchObject({ calls: 1, totalUs: 1 });
    const sn = child(root, 'shrink_node')!;
    expect(sn).toMatchObject({ calls: 1, totalUs: 250, selfUs: 50 });
    expect(child(child(sn, 'shrink_lruvec'), 'shrink_inactive_list')).toMatchObject({ totalUs: 150, selfUs: 150 });
    // Heaviest first.
    expect(root.children[0]!.name).toBe('shrink_node');
  });

  it('reads the trace-cmd report shape of function_graph with timestamps as events', async () => {
    const text = [
      'cpus=1',
      '              sh-100   [000]    50.000001: funcgraph_entry:                   |  do_page_fault() {',
      '              sh-100   [000]    50.000002: funcgraph_entry:                   |    handle_mm_fault() {',
      '              sh-100   [000]    50.000003: funcgraph_entry:        2.000 us   |      alloc_pages();',
      '              sh-100   [000]    50.000006: funcgraph_exit:         9.000 us   |    }',
      '              sh-100   [000]    50.000010: funcgraph_exit:       + 10.500 us  |  }',
      '',
    ].join('\n');
    const s = await importTraceFile(file('graph-report.txt', text));
    expect(s.format).toBe('function-graph');
    const dpf = child(s.callTree!, 'do_page_fault')!;
    expect(dpf).toMatchObject({ calls: 1, totalUs: 10.5, selfUs: 1.5 });
    expect(child(dpf, 'handle_mm_fault')).toMatchObject({ totalUs: 9, selfUs: 7 });
    expect(s.events).toBe(5);
    expect(s.tasks).toEqual([expect.objectContaining({ pid: 100, comm: 'sh', count: 5 })]);
    expect(s.firstTs).toBe(50.000001);
  });

  it('counts exits whose entry came before the trace started', async () => {
    const s = await importTraceFile(file('graph-mid.txt', '# tracer: function_graph\n 0)   7.000 us    |  } /* kswapd */\n 0)   1.000 us    |  schedule();\n'));
    expect(s.diagnostics.find((d) => d.code === 'unmatched-exits')?.message).toMatch(/^1 function exits/);
    expect(child(s.callTree!, 'kswapd')).toMatchObject({ calls: 1, totalUs: 7 });
  });
});

describe('perf stat output', () => {
  // Verbatim shape of `perf stat -e page-faults,dTLB-load-misses,cache-misses,task-clock -- sleep 0.1` (perf 6.1).
  const plain = [
    '',
    " Performance counter stats for 'sleep 0.1':",
    '',
    '                75      page-faults                      #   95.266 K/sec                  ',
    '   <not supported>      dTLB-load-misses                                            ',
    '     1,234,567      cache-misses                                                ',
    '              0.79 msec task-clock                       #    0.008 CPUs utilized          ',
    '',
    '       0.101855736 seconds time elapsed',
    '',
    '       0.001716000 seconds user',
    '       0.000000000 seconds sys',
    '',
  ].join('\n');

  it('makes a counters card with rates per second', async () => {
    const s = await importTraceFile(file('stat.txt', plain));
    expect(s.format).toBe('perf-stat');
    const card = s.perfStat!;
    expect(card.target).toBe('sleep 0.1');
    expect(card.elapsedSeconds).toBeCloseTo(0.101855736, 9);
    const pf = card.counters.find((c) => c.event === 'page-faults')!;
    expect(pf.value).toBe(75);
    expect(pf.perSecond).toBeCloseTo(75 / 0.101855736, 6);
    expect(pf.note).toBe('95.266 K/sec');
    expect(card.counters.find((c) => c.event === 'dTLB-load-misses')).toMatchObject({ value: null, status: 'not-supported' });
    expect(card.counters.find((c) => c.event === 'cache-misses')?.value).toBe(1234567);
    expect(card.counters.find((c) => c.event === 'task-clock')).toMatchObject({ value: 0.79, unit: 'msec', perSecond: null });
    expect(s.skippedLines).toBe(0);
  });

  it('reads the -x, CSV form and the -I interval form', async () => {
    const csv = ['75,,page-faults,800980,100.00,93.635,K/sec', '<not supported>,,dTLB-load-misses,0,100.00,,', '0.80,msec,task-clock,800980,100.00,0.008,CPUs utilized', ''].join('\n');
    const a = (await importTraceFile(file('stat.csv', csv))).perfStat!;
    expect(a.counters.map((c) => [c.event, c.value])).toEqual([['page-faults', 75], ['dTLB-load-misses', null], ['task-clock', 0.8]]);
    const interval = ['#           time             counts unit events', '     0.050189516                 76      page-faults', '     0.100496646      <not counted>      page-faults', '     0.121477901                  4      page-faults', ''].join('\n');
    const b = (await importTraceFile(file('stat-i.txt', interval))).perfStat!;
    expect(b.counters).toEqual([expect.objectContaining({ event: 'page-faults', value: 80 })]);
    expect(b.elapsedSeconds).toBeCloseTo(0.121477901, 9);
  });
});

/**
 * `crashdeck triage <vmcore> --json` with the real crash 8.0.6 on oom-zone-movable-6.12 (guest
 * booted with movablecore=256M; a GFP_KERNEL slab allocation fails while ZONE_MOVABLE holds about
 * 200 MB free): the verdict names bufpool_entry with high confidence and the JSON carries the
 * per-zone split, with ZONE_MOVABLE's free pages out of the request's reach and the reason. One
 * crash start serves every test of this file. Expected figures come from meta.json truth and the
 * fixture's crash transcripts, not from the engine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { parseKmemZone } from '../../../electron/parse/kmem-zone.ts';
import { runCrashdeck } from '../../support/cli.ts';
import { crash806, fixtureMeta, transcript, vmcorePath, vmlinuxPath, zoneMovable612 } from '../../support/fixtures.ts';

const truth = fixtureMeta(zoneMovable612).truth as unknown as {
  panic_message: string;
  panic_task: { pid: number };
  oom: { constraint: string; gfp_mask: string; invoker_pid: number; mem_info_pages: { free: number } };
  culprit: { cache: string; module: string; crash_kmem_s: { allocated: number; objsize: number } };
  guest_facts: { movablecore: string };
};

let report: TriageReport;
let stderr = '';
let code: number | null = null;

beforeAll(async () => {
  const r = await runCrashdeck(['triage', vmcorePath(zoneMovable612), '--vmlinux', vmlinuxPath(zoneMovable612), '--crash', crash806(), '--json']);
  ({ code, stderr } = r);
  report = JSON.parse(r.stdout) as TriageReport;
}, 300_000);

describe('crashdeck triage --json on oom-zone-movable-6.12 (real crash 8.0.6)', () => {
  it('reads the dump with crash and matches the truth of the OOM', () => {
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.basis).toBe('crash');
    expect(report.dump.panicMessage).toContain(truth.panic_message);
    expect(report.panic.task.pid).toBe(truth.panic_task.pid);
    expect(report.oom?.constraint).toBe(truth.oom.constraint);
    expect(report.oom?.trigger).toMatchObject({ pid: truth.oom.invoker_pid, gfpMask: truth.oom.gfp_mask, order: 0 });
  });

  it('culprit slab bufpool_entry (module bufpool), confidence high', () => {
    expect(report.oom?.culprit).toMatchObject({ kind: 'slab', name: truth.culprit.cache, module: truth.culprit.module });
    // crash's kmem -s: the cache's slabs hold at least its allocated objects.
    expect(report.oom?.culprit.bytes).toBeGreaterThanOrEqual(truth.culprit.crash_kmem_s.allocated * truth.culprit.crash_kmem_s.objsize);
    expect(report.oom?.confidence).toBe('high');
  });

  it('per-zone figures: ZONE_MOVABLE free out of reach (movablecore=), DMA/DMA32 at their watermark', () => {
    const movableFreePages = parseKmemZone(transcript(zoneMovable612, 'kmem -z')).model.zones.find((z) => z.name === 'Movable')?.vmStat.NR_FREE_PAGES;
    const f = report.oom?.freeByZone;
    expect(f).toMatchObject({ request: 'GFP_KERNEL', highestZone: 'Normal', movableSetting: `movablecore=${truth.guest_facts.movablecore}`, usableKb: 0 });
    expect(f?.zones.map((z) => [z.zone, z.usable])).toEqual([['DMA', true], ['DMA32', true], ['Movable', false]]);
    const movable = f?.zones.find((z) => z.zone === 'Movable');
    expect(movable).toMatchObject({ node: 0, cause: 'movable', source: { command: 'kmem -z', row: 'Movable' } });
    expect(movable?.unusableKb).toBe((movableFreePages ?? Number.NaN) * 4);
    expect(movable?.reason).toContain(`movablecore=${truth.guest_facts.movablecore}`);
    // Everything Mem-Info counted free is either below the usable zones' watermark or out of reach.
    expect((f?.belowWatermarkKb ?? 0) + (f?.unusableKb ?? 0)).toBe(truth.oom.mem_info_pages.free * 4);
  });

  it('the explanation and "Where memory went" say it the way a kernel engineer would', () => {
    expect(report.oom?.explanation).toContain(`203.5 MiB were free in zone Movable (movablecore=${truth.guest_facts.movablecore}), which GFP_KERNEL allocations cannot use; the zones it may use (DMA, DMA32) had 2.1 MiB free, at their min watermark; ${truth.culprit.cache} held 163.2 MiB of them.`);
    const keys = report.oom?.memory.map((b) => b.key) ?? [];
    expect(keys).toContain('freeUnusable');
    expect(report.oom?.memory.find((b) => b.key === 'freeUnusable')?.label).toBe('free, not usable by this request (zone Movable)');
    expect(report.oom?.culprit.kind).not.toBe('fragmentation');
  });
});

/**
 * "Free, but not for you" on oom-zone-movable-6.12 (guest booted with movablecore=256M; a
 * GFP_KERNEL slab allocation fails while ZONE_MOVABLE holds ~200 MB free): from the kernel log
 * alone (the saved vmcore-dmesg.txt, and the log the product reads out of the dump itself) and
 * from crash 8.0.6 and 9.0.2 transcripts, the verdict names bufpool_entry with high confidence and
 * the free memory out of the request's reach with its zone and cause. Expected figures come from
 * meta.json truth and from crash's own kmem -z, never from the engine. The earlier OOM fixtures
 * get no "not usable" claim.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { TriageReportSchema } from '../../../electron/api/contract.ts';
import { bootZones } from '../../../electron/analyze/boot-zones.ts';
import type { ZoneFacts } from '../../../electron/analyze/facts.ts';
import { freeByZone } from '../../../electron/analyze/free-by-zone.ts';
import { decodeGfp } from '../../../electron/analyze/gfp.ts';
import { renderMarkdown, renderText } from '../../../electron/analyze/render.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { triageFromDumpLog } from '../../../electron/dumpinfo/log-triage.ts';
import { parseKmemZone } from '../../../electron/parse/kmem-zone.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { fixtureFile, fixtureMeta, transcript, vmcorePath, zoneMovable612 } from '../../support/fixtures.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';
import { readFileSync } from 'node:fs';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../../electron/report/markdown-report.ts';
import { freeByZoneOf, reachSummary, zoneReach } from '../../../renderer/lib/free-reach.ts';
import { caseFromTranscripts } from '../report/case-from-transcripts.ts';

const truth = fixtureMeta(zoneMovable612).truth as unknown as {
  culprit: { cache: string; module: string };
  oom: { gfp_mask: string; mem_info_pages: { free: number } };
  guest_facts: { movablecore: string };
};
const movablecore = `movablecore=${truth.guest_facts.movablecore}`;
/** crash's own count of free pages in ZONE_MOVABLE (kmem -z), in kB: the log-only figure must agree. */
const movableFreeKb = (() => {
  const z = parseKmemZone(transcript(zoneMovable612, 'kmem -z')).model.zones.find((x) => x.name === 'Movable');
  return (z?.vmStat.NR_FREE_PAGES ?? Number.NaN) * 4;
})();

function expectOutOfReach(r: TriageReport, movableSource: string): void {
  const o = r.oom;
  expect(o?.culprit).toMatchObject({ kind: 'slab', name: truth.culprit.cache, module: truth.culprit.module });
  expect(o?.confidence).toBe('high');
  const f = o?.freeByZone;
  expect(f).toMatchObject({ request: 'GFP_KERNEL', highestZone: 'Normal', movableSetting: movablecore, usableKb: 0 });
  const movable = f?.zones.find((z) => z.zone === 'Movable');
  expect(movable).toMatchObject({ node: 0, usable: false, cause: 'movable', unusableKb: movableFreeKb, usableKb: 0, belowWatermarkKb: 0 });
  expect(movable?.source.command).toBe(movableSource);
  expect(movable?.reason).toContain(movablecore);
  // The zones GFP_KERNEL may use (DMA, DMA32) were below min + lowmem_reserve: all their free is "below watermark".
  expect(f?.zones.filter((z) => z.usable).map((z) => z.zone)).toEqual(['DMA', 'DMA32']);
  expect(f?.unusableKb).toBe(movableFreeKb);
  expect((f?.belowWatermarkKb ?? 0) + movableFreeKb).toBe(truth.oom.mem_info_pages.free * 4);
  // The sentence a kernel engineer would write.
  expect(o?.explanation).toMatch(new RegExp(`203\\.5 MiB were free in zone Movable \\(${movablecore}\\), which GFP_KERNEL allocations cannot use; the zones it may use \\(DMA, DMA32\\) had 2\\.1 MiB free, at their min watermark; ${truth.culprit.cache} held 163\\.2 MiB of them\\.`));
  expect(o?.explanation).not.toMatch(/does not clearly dominate|fragment/);
  // "Where memory went": free split into usable and not usable for this request; the big part is named.
  const out = o?.memory.find((b) => b.key === 'freeUnusable');
  expect(out).toMatchObject({ label: 'free, not usable by this request (zone Movable)', bytes: movableFreeKb * 1024 });
  expect(o?.memory.find((b) => b.key === 'free')?.label).toBe('free, in zones this request may use');
  expect(o?.memory.find((b) => b.key === 'free')?.bytes).toBeLessThan(8 * 1024 * 1024);
}

describe('oom-zone-movable-6.12: free memory the GFP_KERNEL request could not use', () => {
  it('boot lines: the command line\'s movablecore= and the Movable zone start', () => {
    const b = bootZones(parseLog(readFileSync(fixtureFile(zoneMovable612, 'vmcore-dmesg.txt'), 'utf8')).model);
    expect(b.movableSetting).toBe(movablecore);
    expect(b.movableNodes).toEqual([0]);
    expect(b.zoneRanges).toMatchObject({ DMA: true, DMA32: true, Normal: false });
  });

  it('from the kernel log alone (vmcore-dmesg.txt): Mem-Info free: minus the listed zones is zone Movable', () => {
    const r = triage({ log: parseLog(readFileSync(fixtureFile(zoneMovable612, 'vmcore-dmesg.txt'), 'utf8')).model, logOnly: true });
    expect(r.oom?.trigger.gfpMask).toBe(truth.oom.gfp_mask);
    expectOutOfReach(r, 'log');
    expect(r.oom?.evidence.some((e) => e.row === 'Mem-Info' && /not usable by this request/.test(e.detail) && e.detail.includes(movablecore))).toBe(true);
    // CLI text and Markdown carry the per-zone table.
    const text = renderText(r);
    expect(text).toMatch(/Free memory against this request \(GFP_KERNEL, zones up to Normal\):/);
    expect(text).toMatch(/Node 0 Movable +203\.5 MiB +0 B +0 B +203\.5 MiB +ZONE_MOVABLE \(movablecore=256M on the command line\)/);
    expect(text).toMatch(/free, not usable by this request \(zone Movable\) +203\.5 MiB/);
    expect(renderMarkdown(r)).toMatch(/\| Node 0 Movable \| 203\.5 MiB \| 0 B \| 0 B \| 203\.5 MiB \| ZONE\\_MOVABLE/);
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-movable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('from the log the product reads out of the dump itself (makedumpfile --dump-dmesg)', async () => {
    const bare = path.join(dir, 'vmcore');
    symlinkSync(vmcorePath(zoneMovable612), bare);
    const res = await triageFromDumpLog(new LocalTransport(), bare);
    expect(res.log.source).toBe('makedumpfile');
    expect(res.report).not.toBeNull();
    expectOutOfReach(res.report as TriageReport, 'log');
  });

  for (const crash of ['8.0.6', '9.0.2'] as const) {
    it(`with crash ${crash} (kmem -z lists ZONE_MOVABLE and its free pages)`, () => {
      const r = triage(gatheredFromTranscripts(zoneMovable612, [], [], crash));
      expectOutOfReach(r, 'kmem -z');
      expect(r.oom?.zones.find((z) => z.zone === 'Movable')).toMatchObject({ usable: false });
      expect(r.oom?.evidence.some((e) => e.command === 'kmem -z' && e.row === 'Movable' && /not usable by this gfp mask/.test(e.detail))).toBe(true);
    });
  }

  it('the views\' marks and the HTML / Markdown reports of a case carry the split', () => {
    const c = caseFromTranscripts(zoneMovable612);
    const f = freeByZoneOf(c.triage);
    expect(f).not.toBeNull();
    // Zones view: each kmem -z zone marked usable or not, with the reason.
    for (const z of parseKmemZone(transcript(zoneMovable612, 'kmem -z')).model.zones.filter((x) => x.populated)) {
      const mark = zoneReach(f, z.node, z.name);
      expect(mark?.usable, z.name).toBe(z.name !== 'Movable');
    }
    expect(zoneReach(f, 0, 'Movable')?.reason).toContain(movablecore);
    expect(reachSummary(f as NonNullable<typeof f>)).toBe('The failing request (GFP_KERNEL) may use zones up to Normal (DMA, DMA32): 2.1 MiB free there, all of it at or below the min watermark plus lowmem reserve. 203.5 MiB more was free in zone Movable, which it could not use.');
    const html = renderHtmlReport(c);
    expect(html).toContain('<h3>Free memory against this request</h3>');
    expect(html).toMatch(/<td>Node 0 Movable<\/td><td class="num">203\.5 MiB<\/td>/);
    expect(renderMarkdownReport(c)).toMatch(/\| Node 0 Movable \| 203\.5 MiB \|/);
  });

  it('every report of this fixture satisfies the contract (renderer and reports rely on it)', () => {
    const log = parseLog(readFileSync(fixtureFile(zoneMovable612, 'vmcore-dmesg.txt'), 'utf8')).model;
    for (const r of [triage({ log, logOnly: true }), triage(gatheredFromTranscripts(zoneMovable612)), triage(gatheredFromTranscripts(zoneMovable612, [], [], '9.0.2'))]) {
      const res = v.safeParse(TriageReportSchema, r);
      expect(res.success, JSON.stringify(res.issues?.[0]?.path?.map((p) => p.key))).toBe(true);
    }
  });

  it('a Movable zone nobody set up at boot (memory onlined movable later) is still named from the log', () => {
    // Models a virtio-mem guest: the same log without movablecore= and without the boot lines
    // "Movable zone start for each node" (memory added after boot and onlined movable). The
    // zone ranges still show a 64-bit kernel (no HighMem), so above Normal only Movable can hold it.
    const text = readFileSync(fixtureFile(zoneMovable612, 'vmcore-dmesg.txt'), 'utf8')
      .replaceAll(' movablecore=256M', '')
      .replace(/^.*Movable zone start for each node\n.*Node 0: 0x0000000018000000\n/m, '');
    const r = triage({ log: parseLog(text).model, logOnly: true });
    const movable = r.oom?.freeByZone?.zones.find((z) => z.zone === 'Movable');
    expect(movable).toMatchObject({ usable: false, cause: 'movable', unusableKb: movableFreeKb });
    expect(movable?.reason).toMatch(/no Movable zone at boot: memory hot-plugged and onlined movable/);
    expect(r.oom?.freeByZone?.movableSetting).toBeNull();
    expect(r.oom?.confidence).toBe('high');
  });

  it('with crash but without the log: the request is unknown, so no zone is called out of its reach', () => {
    // No log: no OOM report, no gfp mask, no command line. crash's kmem -z still lists ZONE_MOVABLE,
    // but which zones the failed request could use is unknown: nothing is claimed unusable.
    const r = triage(gatheredFromTranscripts(zoneMovable612, ['log']));
    expect(r.oom?.culprit).toMatchObject({ kind: 'slab', name: truth.culprit.cache });
    const f = r.oom?.freeByZone;
    expect(f?.zones.map((z) => z.zone)).toEqual(['DMA', 'DMA32', 'Movable']);
    expect(f?.unusableKb).toBe(0);
    expect(f?.movableSetting).toBeNull();
    expect(r.oom?.memory.some((b) => b.key === 'freeUnusable')).toBe(false);
  });
});

describe('no "not usable" claim where every free page was in reach', () => {
  for (const s of ['oom-slab-leak', 'oom-user-hog'] as const) {
    it(`${s}: log alone and with crash`, () => {
      for (const r of [triage(gatheredFromTranscripts(s)), triage({ log: parseLog(transcript(s, 'log')).model, logOnly: true })]) {
        expect(r.oom?.freeByZone?.unusableKb).toBe(0);
        expect(r.oom?.freeByZone?.zones.every((z) => z.usable)).toBe(true);
        expect(r.oom?.memory.some((b) => b.key === 'freeUnusable')).toBe(false);
        expect(r.oom?.explanation).not.toMatch(/cannot use|not usable/);
      }
    });
  }
});

describe('a node the cpuset excluded', () => {
  it('free memory on a node outside mems_allowed is out of reach, with the allowed nodes named', () => {
    // Models a two-node box where a task confined to node 0 (cpuset.mems=0, CONSTRAINT_CPUSET)
    // fails while node 1 has 2 GB free; crash's kmem -z lists both nodes' Normal zones.
    const zone = (node: number, freeKb: number): ZoneFacts => ({
      node, zone: 'Normal', freeKb, minKb: 11_000, lowKb: 13_000, highKb: 16_000, managedKb: 8_000_000, presentKb: 8_200_000,
      lowmemReserve: null, freeBlocksByOrder: null, source: { command: 'kmem -z', row: 'Normal' },
    });
    const zones = [zone(0, 9_000), zone(1, 2_000_000)];
    const f = freeByZone({
      reportZones: [], dumpZones: zones, verdicts: [], memInfoFreePages: null, gfp: decodeGfp('0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)'),
      boot: bootZones(null), constraint: 'CONSTRAINT_CPUSET', allowedNodes: '0', pageKb: 4, totalPages: 4_000_000,
    });
    expect(f?.zones.map((z) => [z.node, z.usable, z.cause])).toEqual([[0, true, null], [1, false, 'node']]);
    expect(f?.unusableKb).toBe(2_000_000);
    expect(f?.zones[1]?.reason).toBe('outside the nodes this OOM was confined to (0)');
    expect(f?.zones[0]).toMatchObject({ usableKb: 0, belowWatermarkKb: 9_000 });
  });
});

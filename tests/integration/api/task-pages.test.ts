/**
 * A task's sample pages over the real Api and crash 8.0.6 on oom-user-hog: the hog's (meta.json
 * truth) largest VMAs are sampled exactly as the UI does, translated with one guided `vtop -c`,
 * and the anonymous pages it grew are found in memory with what the kernel gives every user
 * anonymous page: page->mapping with PAGE_MAPPING_ANON (bit 0) set, PG_swapbacked (anon memory
 * is backed by swap, not a file), PG_lru (on an LRU list, reclaimable) and PG_uptodate, and not
 * PG_slab or PG_reserved; bits are read from this dump's own `kmem -g`. `kmem -p` of the physical
 * address, a separate crash command, must name the same struct page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { GuidedCommand, SessionInfo } from '../../../electron/api/contract.ts';
import type { PageFlagsModel, PagesModel, VmModel, VtopModel } from '../../../electron/parse/index.ts';
import { matchSamples, pickSamples, samplePhysical, vtopCommand } from '../../../renderer/views/MemoryMap/sample-pages.ts';
import { crash806, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const hog = fixtureMeta('oom-user-hog').truth.panic_task;
let api: ApiHost;
let info: SessionInfo;

beforeAll(async () => {
  api = createApi({ crashPath: crash806() });
  info = await api.call('session.open', { vmcore: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath() });
}, 120_000);

afterAll(async () => {
  await api?.dispose();
});

/** The parsed model of a guided command run on the session. */
async function model<M>(command: GuidedCommand): Promise<M> {
  const r = await api.call('session.run', { sessionId: info.id, command });
  return r.parsed?.model as M;
}

describe(`sample pages of the hog (pid ${hog.pid}, ${hog.comm}) with crash 8.0.6`, () => {
  it('its anonymous arena is in memory, each sampled page a user anonymous page by its flags', async () => {
    const vm = await model<VmModel>({ id: 'vm', arg: String(hog.pid) });
    expect(vm.command).toBe(hog.comm);
    const samples = pickSamples(vm.vmas);
    const cmd = vtopCommand(hog.pid, samples);
    const r = await api.call('session.run', { sessionId: info.id, command: cmd });
    expect(r.command).toBe(`${cmd.id} ${cmd.arg}`);
    expect(r.error).toBeUndefined();
    expect(r.parsed?.parser).toBe('vtop');
    const rows = matchSamples(samples, r.parsed?.model as VtopModel);
    expect(rows.every((x) => x.problem === null)).toBe(true);

    const flags = (await model<PageFlagsModel>({ id: 'kmem -g' })).flags;
    const bit = (name: string): bigint => BigInt(flags.find((f) => f.name === name)!.bit);
    const set = (hex: string, name: string): boolean => ((BigInt(`0x${hex}`) >> bit(name)) & 1n) === 1n;

    // The largest VMA is the hog's anonymous memory; it touched all of it (RSS ~ total VM).
    const arena = rows.filter((x) => x.vma === samples[0]!.vma);
    expect(arena[0]!.vma.file).toBeNull();
    expect(arena.map((x) => x.translation?.state)).toEqual(['present', 'present', 'present']);
    for (const x of arena) {
      const page = x.translation!.page!;
      expect(BigInt(`0x${page.mapping}`) & 1n).toBe(1n);
      for (const name of ['PG_swapbacked', 'PG_lru', 'PG_uptodate']) expect(set(page.flags, name), `${x.address} ${name}`).toBe(true);
      for (const name of ['PG_slab', 'PG_reserved']) expect(set(page.flags, name), `${x.address} ${name}`).toBe(false);

      // kmem -p of that physical address, asked separately, is the same struct page.
      const phys = samplePhysical(x.translation)!;
      const pages = (await model<PagesModel>({ id: 'kmem -p', arg: phys })).pages;
      expect(pages.map((p) => [p.page, p.flags])).toEqual([[page.page, page.flags]]);
    }
  }, 180_000);

  it('a kernel thread has no user address space: crash finds no VMA for any user address', async () => {
    const kthreadd = await model<VmModel>({ id: 'vm', arg: '2' });
    expect(kthreadd.kernelThread).toBe(true);
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'vtop -c', arg: '2 0x400000' } });
    expect((r.parsed?.model as VtopModel).translations.map((t) => t.state)).toEqual(['not-accessible']);
  }, 120_000);

  it('refuses hostile vtop arguments before they reach crash', async () => {
    for (const arg of [`${hog.pid} 0x400000; !sh`, `${hog.pid} 0x400000 | sh`, `${hog.pid}\nquit`, `${hog.pid} -u 0x1`]) {
      await expect(api.call('session.run', { sessionId: info.id, command: { id: 'vtop -c', arg } })).rejects.toMatchObject({ code: 'bad-request' });
    }
  });
});

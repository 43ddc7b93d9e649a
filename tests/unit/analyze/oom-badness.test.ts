/**
 * oom_badness() and select_bad_process() as mm/oom_kill.c (4.19 .. 6.x) compute them, checked
 * against numbers worked out by hand from the kernel's formula.
 */
import { describe, expect, it } from 'vitest';
import { oomBadness, rulesFor, selectVictim, type OomTaskRow } from '../../../electron/analyze/oom-badness.ts';
import { decodeGfp, zoneUsable } from '../../../electron/analyze/gfp.ts';

const task = (pid: number, rssPages: number, oomScoreAdj = 0, extra: Partial<OomTaskRow> = {}): OomTaskRow =>
  ({ pid, comm: `t${pid}`, rssPages, swapents: 0, pgtablesBytes: 0, oomScoreAdj, ...extra });

describe('oom_badness', () => {
  it('adds rss, swap entries and page-table pages, then adj * (totalpages / 1000) with integer division first', () => {
    // 1000 + 200 + 12288/4096 = 1203; adj 100 * floor(2999 / 1000) = 200
    expect(oomBadness(task(10, 1000, 100, { swapents: 200, pgtablesBytes: 12288 }), 2999).points).toBe(1403);
    // a negative adj can push the score below zero; the kernel keeps it (no clamp to 1 since 4.19)
    expect(oomBadness(task(11, 10, -500), 100_000).points).toBe(10 - 500 * 100);
  });

  it('-1000 and global init are never candidates', () => {
    expect(oomBadness(task(12, 10_000_000, -1000), 1000).points).toBeNull();
    expect(oomBadness(task(1, 10_000_000, 0), 1000).points).toBeNull();
  });
});

describe('older kernels', () => {
  it('before 5.9 an eligible task scores at least 1; before 4.17 root loses 3% first', () => {
    const el8 = rulesFor('4.18.0-553.el8_10.x86_64');
    expect(el8).toEqual({ clampToOne: true, rootBonus: false });
    expect(oomBadness(task(50, 10, -500), 100_000, 4096, el8).points).toBe(1);
    const stretch = rulesFor('4.9.0-19-amd64');
    // root: 10000 - floor(10000 * 3 / 100) = 9700; the non-root task with 9800 now wins
    const root = task(60, 10_000, 0, { uid: 0 });
    const user = task(61, 9_800, 0, { uid: 1000 });
    expect(oomBadness(root, 100_000, 4096, stretch).points).toBe(9700);
    expect(selectVictim([root, user], 100_000, 4096, 10, stretch).chosen?.pid).toBe(61);
    expect(selectVictim([root, user], 100_000, 4096, 10, rulesFor('6.1.0-56-cloud-amd64')).chosen?.pid).toBe(60);
  });
});

describe('select_bad_process', () => {
  it('a tie goes to the task met later in the table (points < chosen is skipped, equal replaces)', () => {
    const { chosen } = selectVictim([task(20, 500), task(21, 500), task(19, 400)], 10_000);
    expect(chosen?.pid).toBe(21);
  });

  it('a task with -1000 is skipped even when it is by far the largest', () => {
    const { chosen } = selectVictim([task(30, 1_000_000, -1000), task(31, 10)], 2_000_000);
    expect(chosen?.pid).toBe(31);
  });

  it('nobody is chosen when every task is exempt', () => {
    expect(selectVictim([task(40, 5, -1000), task(1, 99)], 1000).chosen).toBeNull();
  });
});

describe('gfp masks', () => {
  it('decodes the zones a mask may use', () => {
    const kernel = decodeGfp('0xcc0(GFP_KERNEL)');
    const movable = decodeGfp('0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)');
    const dma32 = decodeGfp('0xcc4(GFP_KERNEL|GFP_DMA32)');
    expect(kernel && zoneUsable('Normal', kernel)).toBe(true);
    expect(kernel && zoneUsable('Movable', kernel)).toBe(false);
    expect(movable && zoneUsable('Movable', movable)).toBe(true);
    expect(dma32 && zoneUsable('Normal', dma32)).toBe(false);
    expect(dma32 && zoneUsable('DMA', dma32)).toBe(true);
  });

  it('reads the stable bits when the report printed no names', () => {
    const g = decodeGfp('0x140cca');
    expect(g?.highestZone).toBe('Movable');
    expect(g?.fs && g.io && g.directReclaim).toBe(true);
    const nofs = decodeGfp('0xc40(GFP_NOFS)');
    expect(nofs?.fs).toBe(false);
    expect(nofs?.io).toBe(true);
  });
});

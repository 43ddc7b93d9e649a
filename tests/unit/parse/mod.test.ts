import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parseMod, parseModTaint } from '../../../electron/parse/index.ts';
import type { ModModel } from '../../../electron/parse/index.ts';
import { fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

describe('mod', () => {
  for (const s of scenarios) {
    it(`${s}: one module per row, debuginfo not loaded`, () => {
      const text = transcript(s, 'mod');
      const rows = text.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l)).length;
      const parsed = parseCommandOutput('mod', text);
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      const { modules } = parsed?.model as ModModel;
      expect(modules).toHaveLength(rows);
      expect(modules.map((m) => m.name)).toContain('virtio_blk');
      for (const m of modules) {
        expect(m.objectFile).toBeNull();
        expect(m.note).toBe('[CONFIG_KALLSYMS]');
        expect(m.size % 4096).toBe(0);
      }
    });
  }

  it('oom-slab-leak: the leaking module is loaded and tainted O and E (meta.json)', () => {
    const culprit = fixtureMeta('oom-slab-leak').truth.culprit as { module: string; module_taints: string };
    const mod = parseMod(transcript('oom-slab-leak', 'mod')).model.modules.find((m) => m.name === culprit.module);
    expect(mod?.base).toMatch(/^ffffffffc0/);
    const taints = parseModTaint(transcript('oom-slab-leak', 'mod -t'));
    expect(problems(taints.diagnostics)).toEqual([]);
    // "O (out-of-tree) + E (unsigned)"
    const letters = [...culprit.module_taints.matchAll(/\b([A-Z]) \(/g)].map((m) => m[1]).join('');
    expect(taints.model.modules).toEqual([{ name: culprit.module, taints: letters }]);
  });

  it('"no tainted modules" is an empty list without problems', () => {
    for (const s of ['panic-sysrq', 'oom-user-hog'] as const) {
      const { model, diagnostics } = parseModTaint(transcript(s, 'mod -t'));
      expect(model.modules).toEqual([]);
      expect(diagnostics).toEqual([]);
    }
  });

  it('crash 7.x layout without BASE and a loaded object file', () => {
    // crash 7.x kernel.c: "     MODULE       NAME                      SIZE  OBJECT FILE"
    const text = [
      '     MODULE       NAME                      SIZE  OBJECT FILE',
      'ffffffffa0002000  dm_mod                  84209  /lib/modules/3.10.0-957.el7.x86_64/kernel/drivers/md/dm-mod.ko.xz',
      'ffffffffa000e000  garbage',
    ].join('\n');
    const { model, diagnostics } = parseMod(text);
    expect(model.modules).toEqual([{
      module: 'ffffffffa0002000', name: 'dm_mod', base: null, size: 84209,
      objectFile: '/lib/modules/3.10.0-957.el7.x86_64/kernel/drivers/md/dm-mod.ko.xz', note: null, taints: null,
    }]);
    expect(diagnostics.map((d) => d.code)).toEqual(['unparsed-lines']);
  });
});

/**
 * Dump facts for the links, from the project's parsers over the fixtures' crash transcripts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKmemSlab, parseLog, parsePs, parseSys } from '../../../electron/parse/index.ts';
import { dumpFactsFromModels } from '../../../electron/trace/dump-facts.ts';
import { fixtureFile, fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

function facts(scenario: Scenario) {
  return dumpFactsFromModels({
    ps: parsePs(transcript(scenario, 'ps')).model,
    kmemS: parseKmemSlab(transcript(scenario, 'kmem -s')).model,
    log: parseLog(transcript(scenario, 'log')).model,
    sys: parseSys(transcript(scenario, 'sys')).model,
  });
}
const dmesgPanic = (scenario: Scenario): number => {
  const l = readFileSync(fixtureFile(scenario, 'vmcore-dmesg.txt'), 'utf8').split('\n').find((x) => x.includes('Kernel panic - not syncing'))!;
  return Number(/\[\s*([\d.]+)\]/.exec(l)![1]);
};

describe('dumpFactsFromModels', () => {
  it('gives the slab-leak culprit cache, the panic time and the task rows', () => {
    const f = facts('oom-slab-leak');
    const truth = fixtureMeta('oom-slab-leak').truth;
    expect(f.culprit.cache).toBe(truth.culprit.cache);
    expect(f.panic?.panicTs).toBe(dmesgPanic('oom-slab-leak'));
    expect(f.tasks).toContainEqual({ pid: truth.panic_task.pid, comm: truth.panic_task.comm, kernelThread: true });
    expect(f.caches?.find((c) => c.name === truth.culprit.cache)?.objsize).toBe(truth.culprit.object_size);
  });

  it('gives no slab culprit for the user hog, but the biggest task', () => {
    const f = facts('oom-user-hog');
    const facts2 = fixtureMeta('oom-user-hog').truth.guest_facts!;
    expect(f.culprit.cache).toBeNull();
    expect(f.culprit).toMatchObject({ pid: Number(facts2.pid_ingestd), comm: facts2.culprit_comm });
    expect(Math.abs(f.panic!.uptimeSeconds! - dmesgPanic('oom-user-hog'))).toBeLessThan(1.5);
  });
});

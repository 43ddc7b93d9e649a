/**
 * The triage inputs from raw command outputs a caller already holds (the renderer's cache, a
 * case bundle): each output parsed by its command, `vm PID` by pid, and anything else kept as
 * a panic-kind probe that kind-details reads by its command line.
 */
import { parseCommandOutput } from '../parse/index.ts';
import type { VmModel } from '../parse/models.ts';
import type { Parsed } from '../api/contract.ts';
import { gatheredCommands, type Gathered } from './triage.ts';

/** Gathered inputs from raw command outputs ("kmem -s" -> text, "vm 179" -> text), or drgn's models where given. */
export function gatheredFromRaw(results: ReadonlyArray<{ command: string; raw: string; parsed?: Parsed }>): Gathered {
  const g: Gathered = { failures: {} };
  const byCommand = new Map(Object.entries(gatheredCommands).map(([k, c]) => [c, k as keyof typeof gatheredCommands]));
  for (const { command, raw, parsed: given } of results) {
    const cmd = command.trim().replace(/\s+/g, ' ');
    const vm = /^vm (\d{1,10})$/.exec(cmd);
    // drgn's answers come as models (no raw text to parse).
    const parsed = given ?? parseCommandOutput(cmd, raw);
    if (vm) {
      if (parsed?.model) (g.vms ??= {})[Number(vm[1])] = parsed.model as VmModel;
      continue;
    }
    const key = byCommand.get(cmd);
    if (!key) {
      // Anything else may be a panic-kind follow-up (bt -F, struct mutex.owner, sym...): kind-details reads it by its line.
      (g.probes ??= {})[cmd] = raw;
      // Parsed once here (drgn's model as given, crash's text by its parser); kind-details reads the model.
      if (parsed?.model) (g.probeModels ??= {})[cmd] = parsed.model;
      continue;
    }
    if (parsed?.model) (g as Record<string, unknown>)[key] = parsed.model;
    else (g.failures as Record<string, string>)[cmd] = 'no parser for this command';
  }
  return g;
}

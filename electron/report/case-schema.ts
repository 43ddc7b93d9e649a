/**
 * Runtime shapes of the files inside a `.crashcase`: an import checks each one, so a malformed or
 * hand-edited bundle is refused with the file and field named instead of breaking a view later.
 */
import * as v from 'valibot';
import { CaseAnnotationSchema, DiagnosisSchema, DumpCompletenessSchema, ParsedSchema, TriageReportSchema } from '../api/contract.ts';

const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));

export const ManifestSchema = v.object({
  schema: Text(64),
  appVersion: Text(64),
  createdAt: Text(64),
});

export const DumpSchema = v.object({
  fingerprint: Text(256),
  vmcoreName: Text(4096),
  vmlinuxName: v.nullable(Text(4096)),
  host: Text(1024),
  release: v.nullable(Text(256)),
  crashVersion: v.nullable(Text(256)),
  degraded: v.nullable(v.picklist(['zero_excluded', 'minimal'])),
  startupWarnings: v.array(v.string()),
  diagnoses: v.array(DiagnosisSchema),
  // Bundles before completeness was recorded have none: their triage.json's (or 'unknown') stands in.
  completeness: v.optional(DumpCompletenessSchema),
});

export const ResultSchema = v.object({
  command: Text(4096),
  raw: v.string(),
  parsed: v.nullable(ParsedSchema),
  crashVersion: v.nullable(v.string()),
  at: v.number(),
  durationMs: v.number(),
  warnings: v.array(v.string()),
  error: v.nullable(v.string()),
  diagnoses: v.array(DiagnosisSchema),
  engine: v.optional(v.picklist(['crash', 'drgn'])),
  engineVersion: v.optional(Text(256)),
});
export const ResultsSchema = v.pipe(v.array(ResultSchema), v.maxLength(10_000));

export const AnnotationSchema = CaseAnnotationSchema;
export const AnnotationsSchema = v.pipe(v.array(AnnotationSchema), v.maxLength(100_000));

export const TriageFileSchema = v.nullable(TriageReportSchema);
export const TracesSchema = v.pipe(v.array(v.custom<object>((x) => typeof x === 'object' && x !== null)), v.maxLength(1000));

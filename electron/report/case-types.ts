/**
 * The portable case: everything a teammate needs to read and continue an analysis without the
 * vmcore or crash. One shape feeds every export (HTML, Markdown, PDF) and the `.crashcase` zip.
 */
import type { Diagnosis, DumpCompleteness, Parsed, annotationTagIds } from '../api/contract.ts';
import type { TriageReport } from '../api/triage-report.ts';

/** Manifest schema this build writes; a bundle with a newer major number is refused. */
export const caseSchema = 'crashdeck.case/1';
/** The major version of `caseSchema`. */
export const caseSchemaMajor = 1;

/** manifest.json at the root of a `.crashcase`. */
export interface CaseManifest {
  schema: string;
  appVersion: string;
  /** ISO time the bundle was written. */
  createdAt: string;
}

/** What is known about the dump, without local paths of the machine that made the case. */
export interface CaseDump {
  fingerprint: string;
  /** The dump's file name only (never the directory: it may hold user or host names). */
  vmcoreName: string;
  vmlinuxName: string | null;
  host: string;
  release: string | null;
  crashVersion: string | null;
  degraded: 'zero_excluded' | 'minimal' | null;
  startupWarnings: string[];
  diagnoses: Diagnosis[];
  /** Whether the dump holds every task (the session's check when the case was written). */
  completeness?: DumpCompleteness;
}

/** One cached command result: what crash printed and what the parser made of it. */
export interface CaseResult {
  /** The exact command line ("sys", "vm 179"). */
  command: string;
  raw: string;
  parsed: Parsed | null;
  crashVersion: string | null;
  at: number;
  durationMs: number;
  warnings: string[];
  error: string | null;
  diagnoses: Diagnosis[];
  /** 'drgn' when drgn answered (no raw text: `parsed` is the answer); absent: crash. */
  engine?: 'crash' | 'drgn';
  engineVersion?: string;
}

/** Annotation tags, in the vocabulary of the report. */
export { annotationTagIds as annotationTags } from '../api/contract.ts';
export type AnnotationTag = (typeof annotationTagIds)[number];

/** A user's note on a view row, an evidence item, a wizard step or a trace span. */
export interface CaseAnnotation {
  /** Stable id (survives export and import, so a re-import merges instead of duplicating). */
  uid: string;
  /** The view or area ("processes", "evidence", "oom-wizard", "traces"). */
  view: string;
  /** The row within it (pid, cache name, evidence key, step id, span id). */
  rowKey: string;
  /** Human label of the target, e.g. "bufpool_entry" or "step 3: who would be killed". */
  label: string;
  tag: AnnotationTag | null;
  /** Markdown, rendered through the safe note renderer only. */
  text: string;
  /** Position in the report (ascending); the user arranges it in the Report view. */
  order: number;
  createdAt: number;
  updatedAt: number;
}

/** A whole case. */
export interface CaseBundle {
  manifest: CaseManifest;
  dump: CaseDump;
  results: CaseResult[];
  annotations: CaseAnnotation[];
  /** The triage verdict when it was computed (recomputed from results on import when absent). */
  triage: TriageReport | null;
  /** Trace import summaries (electron/api/trace-model.ts TraceSummary), as plain JSON. */
  traces: unknown[];
  /** Optional trace files carried along: name -> bytes. */
  traceFiles?: Record<string, Uint8Array>;
}

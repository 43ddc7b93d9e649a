/**
 * One case, four outputs: HTML, Markdown, PDF (the HTML printed: by Electron's printToPDF in the
 * desktop app, which injects that printer; by headless Chromium on the CLI and serve host) and
 * the `.crashcase` bundle. Shared by report.export and `crashdeck report`.
 */
import { renderHtmlReport } from './html-report.ts';
import { renderMarkdownReport } from './markdown-report.ts';
import { htmlToPdf } from './pdf.ts';
import { writeCaseBundle } from './bundle-write.ts';
import type { CaseBundle } from './case-types.ts';

/** Export formats. */
export type ReportFormat = 'html' | 'md' | 'pdf' | 'case';

const kinds: Record<ReportFormat, { ext: string; mime: string; text: boolean }> = {
  html: { ext: 'html', mime: 'text/html;charset=utf-8', text: true },
  md: { ext: 'md', mime: 'text/markdown;charset=utf-8', text: true },
  pdf: { ext: 'pdf', mime: 'application/pdf', text: false },
  case: { ext: 'crashcase', mime: 'application/zip', text: false },
};

/** An exported file. */
export interface ExportedFile {
  bytes: Buffer;
  mime: string;
  /** Suggested file name, e.g. crashdeck-6.1.0-56-cloud-amd64-1a2b3c4d.html. */
  fileName: string;
  /** True for html/md (UTF-8 text). */
  text: boolean;
}

/** A file name from the release and fingerprint, with nothing a shell or file system minds. */
export function exportFileName(c: CaseBundle, format: ReportFormat): string {
  const rel = (c.dump.release ?? 'dump').replace(/[^\w.-]/g, '_').slice(0, 64);
  const fp = c.dump.fingerprint.replace(/[^\w]/g, '').slice(0, 8);
  return `crashdeck-${rel}${fp ? `-${fp}` : ''}.${kinds[format].ext}`;
}

/** Prints self-contained report HTML to PDF bytes (the desktop app's is shell/print-pdf.ts). */
export type PdfRenderer = (html: string) => Promise<Buffer>;

/** How a case is exported: which Chromium, or which PDF printer instead of it. */
export interface ExportOptions {
  chromium?: string;
  /** Print PDFs with this instead of headless Chromium. */
  pdfRenderer?: PdfRenderer;
}

/** Render a case in a format. */
export async function exportCase(c: CaseBundle, format: ReportFormat, opts: ExportOptions = {}): Promise<ExportedFile> {
  const k = kinds[format];
  let bytes: Buffer;
  if (format === 'html') bytes = Buffer.from(renderHtmlReport(c));
  else if (format === 'md') bytes = Buffer.from(renderMarkdownReport(c));
  else if (format === 'pdf') bytes = opts.pdfRenderer ? await opts.pdfRenderer(renderHtmlReport(c)) : await htmlToPdf(renderHtmlReport(c), opts.chromium ? { chromium: opts.chromium } : {});
  else bytes = await writeCaseBundle(c);
  return { bytes, mime: k.mime, fileName: exportFileName(c, format), text: k.text };
}

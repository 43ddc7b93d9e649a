/**
 * Saving an exported file in the browser (or Electron's renderer): a Blob URL clicked through a
 * temporary anchor with `download`, revoked right after. Binary exports arrive base64 encoded.
 */

/** Bytes of an export result. */
export function exportBytes(content: string, encoding: 'utf8' | 'base64'): Uint8Array<ArrayBuffer> {
  if (encoding === 'utf8') return new TextEncoder().encode(content) as Uint8Array<ArrayBuffer>;
  const bin = atob(content);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Offer the bytes as a download named `fileName`. */
export function saveFile(fileName: string, mime: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

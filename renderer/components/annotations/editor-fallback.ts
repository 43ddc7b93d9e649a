/**
 * Chooses between a rich editor and the plain text area: the rich one when its code loads in
 * time, otherwise the plain one with a reason the user can read (a note is never lost to the editor).
 */

/** What the note editor shows: the loaded editor API, or plain text with why. */
export type EditorChoice<T> = { kind: 'rich'; api: T } | { kind: 'plain'; reason: string };

/** How long the rich editor may take to load before the plain text area is used. */
export const richEditorLoadTimeoutMs = 15_000;

/** Loads the rich editor through `load`; any failure or a load slower than `timeoutMs` gives the plain text area and its reason. */
export async function chooseEditor<T>(load: () => Promise<T>, timeoutMs: number = richEditorLoadTimeoutMs): Promise<EditorChoice<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not load within ${Math.round(timeoutMs / 100) / 10} s`)), timeoutMs);
  });
  try {
    return { kind: 'rich', api: await Promise.race([load(), timeout]) };
  } catch (err) {
    return { kind: 'plain', reason: loadFailureReason(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason for a failed load, whatever was thrown. */
export function loadFailureReason(err: unknown): string {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const line = message.split('\n')[0]?.trim() ?? '';
  return line || 'unknown error';
}

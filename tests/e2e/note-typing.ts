/**
 * Writing a note the way a user does: the note editor is Monaco, which fill() cannot drive, so
 * these click into it and type, and read how many Monaco editors the page holds.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The open note form (the only one, or the one inside `scope`). */
export function noteForm(page: Page, scope?: Locator): Locator {
  return (scope ?? page).locator('form.note-editor');
}

/** Clicks into the note form's Monaco editor (the textbox named "Note on … (Markdown)") and types `text`. */
export async function typeNote(page: Page, text: string, scope?: Locator): Promise<void> {
  const form = noteForm(page, scope);
  await expect(form).toHaveAttribute('data-editor', 'monaco');
  await form.locator('.monaco-editor .view-lines').click();
  await expect(form.getByLabel(/^Note on .* \(Markdown\)$/)).toBeFocused();
  await page.keyboard.type(text);
}

/** How many Monaco editors are alive (monaco.editor.getEditors()), through the page's own Monaco chunk; 0 before Monaco loaded. */
export async function liveMonacoEditors(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const url = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .find((n) => /\/editor\.api-[^/]*\.js$/.test(n));
    if (!url) return 0;
    const monaco = (await import(url)) as { editor: { getEditors(): unknown[] } };
    return monaco.editor.getEditors().length;
  });
}

/**
 * The note editor falls back to a plain text area when Monaco cannot load, and tells the user why.
 */
import { describe, expect, it } from 'vitest';
import { chooseEditor, loadFailureReason } from '../../../renderer/components/annotations/editor-fallback.ts';

describe('chooseEditor', () => {
  it('uses the rich editor when it loads', async () => {
    const api = { name: 'monaco' };
    expect(await chooseEditor(() => Promise.resolve(api), 1000)).toEqual({ kind: 'rich', api });
  });

  it('falls back to plain text with the load error as the reason', async () => {
    const choice = await chooseEditor(() => Promise.reject(new Error('Failed to fetch dynamically imported module: ./assets/editor.api.js\n    at stack')), 1000);
    expect(choice).toEqual({ kind: 'plain', reason: 'Failed to fetch dynamically imported module: ./assets/editor.api.js' });
  });

  it('falls back when the loader throws synchronously or rejects with a non-Error', async () => {
    expect(
      await chooseEditor(() => {
        throw new TypeError('MonacoEnvironment missing');
      }, 1000),
    ).toEqual({ kind: 'plain', reason: 'MonacoEnvironment missing' });
    expect(await chooseEditor(() => Promise.reject(new Error('')), 1000)).toEqual({ kind: 'plain', reason: 'unknown error' });
    expect(await chooseEditor(() => Promise.reject('blocked by CSP'), 1000)).toEqual({ kind: 'plain', reason: 'blocked by CSP' });
  });

  it('falls back when loading hangs, saying how long it waited', async () => {
    const choice = await chooseEditor(() => new Promise<never>(() => {}), 100);
    expect(choice).toEqual({ kind: 'plain', reason: 'it did not load within 0.1 s' });
  });
});

describe('loadFailureReason', () => {
  it('keeps the first line of a message and names an unknown failure', () => {
    expect(loadFailureReason(new Error('  network down  \nmore'))).toBe('network down');
    expect(loadFailureReason({ weird: true })).toBe('unknown error');
    expect(loadFailureReason(undefined)).toBe('unknown error');
  });
});

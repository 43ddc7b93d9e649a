/**
 * The serve host's boot data (electron/serve/boot-data.ts): what a page gets inside index.html so
 * it shows a running dump and its verdict before its WebSocket is open. Dump text is untrusted:
 * nothing in it may end the data block early.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, methods, type Result, type SessionInfo } from '../../../electron/api/contract.ts';
import { createApiHost, EventBus, type MethodImpls } from '../../../electron/api/handlers.ts';
import type { BootData } from '../../../electron/api/wire.ts';
import { bootDataJson, collectBootData, withBootData, withBootDataIfAny } from '../../../electron/serve/boot-data.ts';

const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;\u2028\u2029';

function session(id: string, over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    fingerprint: `fp-${id}`,
    vmcore: `/dumps/${id}/vmcore`,
    vmlinux: null,
    host: 'local',
    state: 'starting',
    message: '',
    crashPath: '/usr/bin/crash',
    crashVersion: null,
    release: null,
    degraded: null,
    startupWarnings: [],
    diagnoses: [],
    shellEnabled: false,
    startedAt: 1,
    ...over,
  };
}

/** A dump.identify answer whose log text is hostile (the fields the page reads, nothing more). */
function identifyAnswer(text: string): Result<'dump.identify'> {
  return { identity: null, log: { text, source: 'makedumpfile' }, parsed: null, report: null, reason: null } as unknown as Result<'dump.identify'>;
}

/** The data block's JSON text as an HTML parser would end it: at the first `</script`. */
function blockContent(html: string): string {
  const open = '<script type="application/json" id="crashdeck-boot">';
  const start = html.indexOf(open) + open.length;
  return html.slice(start, html.toLowerCase().indexOf('</script', start));
}

describe('boot data in index.html', () => {
  it('keeps hostile dump text inside the data block and reads back unchanged', () => {
    const data: BootData = { sessions: [session('a', { vmcore: `/tmp/${hostile}/vmcore` })], identify: { a: identifyAnswer(hostile) } };
    const html = withBootData('<!doctype html><html><head></head><body><div id="app"></div></body></html>', data);
    const json = blockContent(html);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(data);
    // One data block, before </body>, and nothing of the hostile text outside it.
    expect(html.endsWith(`${json}</script></body></html>`)).toBe(true);
    expect(html.split('<script').length - 1).toBe(1);
    expect(bootDataJson(data)).toBe(json);
  });

  it('appends the block to a page without </body>', () => {
    const html = withBootData('<!doctype html><title>t</title>', { sessions: [], identify: {} });
    expect(html).toBe('<!doctype html><title>t</title><script type="application/json" id="crashdeck-boot">{"sessions":[],"identify":{}}</script>');
  });
});

describe('collectBootData', () => {
  function apiWith(sessions: SessionInfo[], identify: (id: string) => Promise<Result<'dump.identify'>>) {
    const asked: string[] = [];
    const unused = async (): Promise<never> => {
      throw new ApiError('not-found', 'not in this test');
    };
    const impls = {
      ...(Object.fromEntries(Object.keys(methods).map((m) => [m, unused])) as unknown as MethodImpls),
      'session.list': async () => sessions,
      'dump.identify': async (p: { sessionId?: string }) => {
        asked.push(p.sessionId ?? '?');
        return identify(p.sessionId ?? '?');
      },
    } as MethodImpls;
    return { api: createApiHost(impls, new EventBus(), async () => undefined), asked };
  }

  it('carries every session and the identify answers already read; a read still running is not waited for', async () => {
    const ready = identifyAnswer('Out of memory: Killed process 1 (x)');
    const never = new Promise<Result<'dump.identify'>>(() => undefined);
    const sessions = [session('read'), session('reading'), session('case', { source: 'case' }), session('gone', { state: 'closed' })];
    const { api, asked } = apiWith(sessions, (id) => (id === 'read' ? Promise.resolve(ready) : never));
    const data = await collectBootData(api);
    expect(data.sessions.map((s) => s.id)).toEqual(['read', 'reading', 'case', 'gone']);
    expect(data.identify).toEqual({ read: ready });
    // A case bundle has no dump to read and a closed session no transport: not asked.
    expect(asked).toEqual(['read', 'reading']);
  });

  it('leaves out an identify that failed (the page asks again and shows the error)', async () => {
    const { api } = apiWith([session('bad')], () => Promise.reject(new ApiError('dump-unreadable', 'truncated')));
    expect((await collectBootData(api)).identify).toEqual({});
  });

  it('serves the page unchanged when the sessions cannot be listed', async () => {
    const { api } = apiWith([], () => Promise.reject(new Error('unused')));
    const failing = { ...api, call: () => Promise.reject(new Error('host shutting down')) } as typeof api;
    expect(await withBootDataIfAny('<body></body>', failing)).toBe('<body></body>');
  });
});

/**
 * The page's first answers, written into index.html by the serve host: on a 2-core box a fresh
 * page waited ~200-400 ms (WebSocket open, then session.list and dump.identify round trips while
 * crash's start-up and Chromium's page load share the CPU) before it could paint the verdict.
 * Dump text is untrusted: the JSON is escaped so nothing in it can end the data block.
 */
import type { ApiHost } from '../api/handlers.ts';
import type { Result } from '../api/contract.ts';
import type { BootData, BootDataElementId } from '../api/wire.ts';

const bootDataElementId: BootDataElementId = 'crashdeck-boot';

/** Sessions, plus the identify answers that are already in (a read still running is not awaited). */
export async function collectBootData(api: ApiHost): Promise<BootData> {
  const sessions = await api.call('session.list', {});
  const identify: BootData['identify'] = {};
  for (const s of sessions) {
    if (s.source === 'case' || s.state === 'closed') continue;
    const answer = await settledOrNull(api.call('dump.identify', { sessionId: s.id }));
    if (answer) identify[s.id] = answer;
  }
  return { sessions, identify };
}

/**
 * The promise's value when it is already settled (memoised answers settle within microtasks),
 * else null at once; a failure is null too (the page asks again and shows the error).
 */
function settledOrNull(p: Promise<Result<'dump.identify'>>): Promise<Result<'dump.identify'> | null> {
  return Promise.race([p.catch(() => null), new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);
}

/** JSON that an HTML parser cannot end early: `<`, `>`, `&` and the JS line separators escaped. */
export function bootDataJson(data: BootData): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** index.html with the data block before `</body>` (appended when the page has none). */
export function withBootData(html: string, data: BootData): string {
  const block = `<script type="application/json" id="${bootDataElementId}">${bootDataJson(data)}</script>`;
  const at = html.lastIndexOf('</body>');
  return at < 0 ? html + block : html.slice(0, at) + block + html.slice(at);
}

/** index.html with the host's boot data, or unchanged when it cannot be collected. */
export async function withBootDataIfAny(html: string, api: ApiHost): Promise<string> {
  const data = await collectBootData(api).catch(() => null);
  return data ? withBootData(html, data) : html;
}

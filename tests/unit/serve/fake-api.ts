/**
 * A small ApiHost for transport tests: the real validating dispatch (createApiHost) over
 * in-test method implementations, so the serve host and IPC wiring are tested without crash.
 */
import { ApiError, methods } from '../../../electron/api/contract.ts';
import { createApiHost, EventBus, type ApiHost, type MethodImpls } from '../../../electron/api/handlers.ts';

/** Methods that exist in the contract but are not needed by transport tests. */
const unused = async (): Promise<never> => {
  throw new ApiError('not-found', 'not implemented in this test host');
};

/** An ApiHost whose `app.info` answers and whose `session.info` reports a missing session. */
export function createFakeApi(): ApiHost & { disposed: () => boolean } {
  let disposed = false;
  // Every contract method exists (new ones too); the few transport tests use are real.
  const impls = {
    ...(Object.fromEntries(Object.keys(methods).map((m) => [m, unused])) as unknown as MethodImpls),
    'app.info': async () => ({ version: '9.9.9-test', crashPath: '/usr/bin/crash', defaultCrashDir: '/var/crash' }),
    'session.info': async ({ sessionId }) => {
      throw new ApiError('not-found', `no session ${sessionId}`, 'open the dump again');
    },
    'session.list': async () => [],
  } satisfies MethodImpls;
  const host = createApiHost(impls, new EventBus(), async () => {
    disposed = true;
  });
  return Object.assign(host, { disposed: () => disposed });
}

/**
 * Implements the contract on top of the services. Shared by IPC, the WebSocket host and the CLI:
 * each front door calls `dispatch`, which validates params against the contract's schema, runs
 * the method and turns every failure into an ApiError.
 */
import * as v from 'valibot';
import { ApiError, events, methods, type EventName, type EventPayload, type MethodName, type Params, type Result } from './contract.ts';

/** One implementation per method, receiving validated params. */
export type MethodImpls = { [M in MethodName]: (params: v.InferOutput<(typeof methods)[M]['params']>) => Promise<Result<M>> };

/** Listener for pushed events. */
export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A publish/subscribe bus for the contract's events. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  /** Subscribe; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publish an event, validated against its schema so no channel carries a malformed one. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = v.parse(events[event], payload) as EventPayload<E>;
    for (const l of this.listeners) l(event, checked);
  }
}

/** What front doors hold: validated dispatch, events, and shutdown. */
export interface ApiHost {
  dispatch(method: string, params: unknown): Promise<unknown>;
  /** Typed in-process call (CLI, tests). */
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  events: EventBus;
  dispose(): Promise<void>;
}

/** Wrap method implementations into a validating host. */
export function createApiHost(impls: MethodImpls, bus: EventBus, dispose: () => Promise<void>): ApiHost {
  const dispatch = async (method: string, params: unknown): Promise<unknown> => {
    if (!Object.hasOwn(methods, method)) throw new ApiError('bad-request', `unknown method: ${method}`);
    const name = method as MethodName;
    const parsed = v.safeParse(methods[name].params, params ?? {});
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      throw new ApiError('bad-request', `invalid params for ${method}${where ? ` at ${where}` : ''}: ${issue.message}`);
    }
    const impl = impls[name] as (p: unknown) => Promise<unknown>;
    try {
      return await impl(parsed.output);
    } catch (err) {
      throw toApiError(err);
    }
  };
  return {
    dispatch,
    call: (method, params) => dispatch(method, params) as Promise<Result<typeof method>>,
    events: bus,
    dispose,
  } as ApiHost;
}

/** Any thrown value as an ApiError (unknown errors become 'internal' with their message). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', message);
}

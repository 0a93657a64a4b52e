/**
 * What Bubble knows of each request without a workflow passing it along: the client's address (for the
 * login lockout) and the clock. The server runs each request inside `withRequest`; code that needs them
 * (accounts.ts) reads `currentRequest()`, outside a request a local, clock-of-the-machine default.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  /** The connection's remote address, e.g. `127.0.0.1`. */
  readonly clientAddress: string;
  /** Milliseconds since 1970: Date.now, or a test's clock. */
  now(): number;
}

const storage = new AsyncLocalStorage<RequestContext>();

const OUTSIDE: RequestContext = { clientAddress: "local", now: () => Date.now() };

export function withRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext {
  return storage.getStore() ?? OUTSIDE;
}

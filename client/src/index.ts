/** A session client for a Bubble app's JWT session workflows; see the README's "For the mobile developer". */
export {
  type BubbleClient,
  type ClientOptions,
  type Clock,
  createClient,
  DEFAULT_WORKFLOWS,
  type SessionEndListener,
  type SessionEndReason,
  type WorkflowNames,
} from "./client.js";
export {
  BubbleClientError,
  BubbleHttpError,
  NetworkError,
  SessionError,
  StorageError,
  UsageError,
  WorkflowError,
} from "./errors.js";
export type { SessionInfo } from "./session.js";
export { memoryStorage, type SessionStorage } from "./storage.js";
export type { FetchFunction, WorkflowResponse } from "./transport.js";

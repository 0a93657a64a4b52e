import type { NetworkAccess, Timers } from "../jwt/external/fetch.js";
import type { BubbleContext } from "./types.js";

/**
 * The seam through which the local backend and the tests reach JWKS servers on this machine (plain http
 * on 127.0.0.1) and give the download deadline a clock they move by hand: a member of `context` under
 * this symbol. Only the runtime stand-in (src/emulator/runtime.ts) writes it, and only when told to.
 *
 * Bubble's runtime can never turn it on. Bubble builds `context` itself, from data: plugin keys (text),
 * properties (text, numbers, dates, lists, Things) and whatever a request or the builder's settings
 * carry reach it only as such values, never as a symbol-keyed member, which no JSON, form field or
 * setting can express; and the seam must hold an object, not text. Nothing a builder, an app owner or
 * a caller of the app can type or send puts this symbol on the context, so the shipped bundle in Bubble
 * always runs with the defaults: https only, public addresses only, real timers. Only code running in
 * the same process could write it, onto a context Bubble made for this call; such code can already open
 * any connection itself, so the seam would give it nothing.
 */
export const LOCAL_RUNTIME: unique symbol = Symbol.for("bubble-jwt-plugin.local-runtime");

/** What the stand-in may put under LOCAL_RUNTIME. */
export interface LocalRuntime {
  /** Plain http to a loopback host (and only to a loopback address), for local JWKS servers. */
  readonly loopbackHttp?: boolean;
  /** Timers for the download deadline (a test's hand-moved clock). */
  readonly timers?: Timers;
}

/** How this call may reach the network: the seam's settings when the stand-in set it, else the defaults. */
export function networkAccess(context: BubbleContext): NetworkAccess {
  const local = (context as { [LOCAL_RUNTIME]?: unknown })[LOCAL_RUNTIME];
  if (typeof local !== "object" || local === null) return {};
  const { loopbackHttp, timers } = local as { loopbackHttp?: unknown; timers?: Partial<Timers> };
  const usableTimers =
    typeof timers?.setTimeout === "function" && typeof timers.clearTimeout === "function"
      ? (timers as Timers)
      : undefined;
  return { loopbackHttp: loopbackHttp === true, timers: usableTimers };
}

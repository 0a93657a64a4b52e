import { KEY_NAMES, type KeyMaterial } from "../jwt/keys/names.js";
import type { BubbleContext } from "./types.js";

/** Plugin key captions (the contract): `context.keys[caption]`. The key material's are src/jwt's own. */
export const PLUGIN_KEYS = { ...KEY_NAMES, issuer: "Issuer", audience: "Audience" } as const;

function keyText(context: BubbleContext, caption: string): string | undefined {
  const value = context.keys?.[caption];
  if (typeof value !== "string") return undefined;
  return value.trim() === "" ? undefined : value;
}

/** The signing and verification keys the app owner set. */
export function readKeyMaterial(context: BubbleContext): KeyMaterial {
  return {
    secret: keyText(context, PLUGIN_KEYS.secret),
    previousSecret: keyText(context, PLUGIN_KEYS.previousSecret),
    privateKey: keyText(context, PLUGIN_KEYS.privateKey),
    publicKey: keyText(context, PLUGIN_KEYS.publicKey),
  };
}

/** A field's value, else the plugin key that supplies its default (Issuer, Audience). */
export function withKeyDefault(
  value: string | undefined,
  context: BubbleContext,
  caption: typeof PLUGIN_KEYS.issuer | typeof PLUGIN_KEYS.audience,
): string | undefined {
  return value ?? keyText(context, caption)?.trim();
}

/**
 * Field defaults. plugin.json's `default_val` is the one place they are written: Bubble shows it in the
 * editor, and `npm run build` writes each action's defaults into its bundle as PLUGIN_FIELD_DEFAULTS
 * (esbuild `define`, see build/bundle.ts), so an empty field means the same value here as there.
 */
declare const PLUGIN_FIELD_DEFAULTS: Readonly<Record<string, string>>;

/** The `default_val` plugin.json gives this action's field `name`. */
export function fieldDefault(name: string): string {
  const value = Object.hasOwn(PLUGIN_FIELD_DEFAULTS, name) ? PLUGIN_FIELD_DEFAULTS[name] : undefined;
  // A build mistake, not the builder's: it surfaces as an internal error, which the tests would catch.
  if (value === undefined) throw new Error(`plugin.json gives the ${name} field no default_val`);
  return value;
}

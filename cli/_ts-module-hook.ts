/**
 * A Node module hook, registered after tsx's when `omniserve serve` loads a
 * TypeScript (or JSX) app on Node: a `.ts`, `.tsx` or `.jsx` file is an ES
 * module, as on Deno and Bun, even in a package without `"type": "module"` (where tsx would
 * compile it to CommonJS, and a top-level `await` would not load). `.cts`
 * stays CommonJS, `.mts` is a module already.
 * @module
 */

/** What Node's resolve hook gets back from the next hook (the part used here). */
interface Resolved {
  url: string;
  format?: string | null;
}

/** Node's resolve hook: the next hook's answer, with `format: "module"` for a `.ts`, `.tsx` or `.jsx` file. */
export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<Resolved>,
): Promise<Resolved> {
  const resolved = await next(specifier, context);
  if (resolved.format === "commonjs" && /^file:[^?#]*\.(tsx?|jsx)([?#]|$)/.test(resolved.url)) {
    return { ...resolved, format: "module" };
  }
  return resolved;
}

/**
 * Replacing `globalThis.Response`, which the Node and Bun adapters do when a
 * server starts (never at import): one rule for both, so a third library's
 * replacement is never overwritten and opting out puts the native class back.
 * @module
 */

/**
 * Make the global `Response` `replacement` (`on`) or `native` (not `on`),
 * but only while it is one of the two.
 */
export function swapGlobalResponse(native: typeof Response, replacement: typeof Response, on: boolean): void {
  const current = globalThis.Response;
  if (current !== native && current !== replacement) return;
  const value = on ? replacement : native;
  if (current === value) return;
  Object.defineProperty(globalThis, "Response", { value, writable: true, configurable: true });
}

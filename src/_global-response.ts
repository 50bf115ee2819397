/**
 * Replacing `globalThis.Response` (and, on Node 24, `Request` and `fetch`), which the Node
 * and Bun adapters do when a server starts (never at import): one rule for
 * all, so a third library's replacement is never overwritten and opting out
 * puts the native class back.
 * @module
 */

/**
 * Make the global `name` `replacement` (`on`) or `native` (not `on`), but
 * only while it is one of the two.
 */
export function swapGlobal<K extends "Request" | "Response" | "fetch">(name: K, native: typeof globalThis[K], replacement: typeof globalThis[K], on: boolean): void {
  const current = globalThis[name];
  if (current !== native && current !== replacement) return;
  const value = on ? replacement : native;
  if (current === value) return;
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

/** `swapGlobal` for `Response`. */
export function swapGlobalResponse(native: typeof Response, replacement: typeof Response, on: boolean): void {
  swapGlobal("Response", native, replacement, on);
}

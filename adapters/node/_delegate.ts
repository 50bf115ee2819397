/**
 * Make a lazy class pass for a native web class: every member it does not
 * define itself goes to the native object it builds on demand (`_native()`),
 * and `instanceof` the native class holds.
 * @module
 */

/** Delegate `native.prototype`'s remaining members from `lazy.prototype` to `this._native()`. */
export function delegateToNative(
  lazy: { prototype: { _native(): object } },
  native: { prototype: object },
  tag: string,
): void {
  const proto = lazy.prototype;
  for (const name of Object.getOwnPropertyNames(native.prototype)) {
    if (name === "constructor" || Object.hasOwn(proto, name)) continue;
    const desc = Object.getOwnPropertyDescriptor(native.prototype, name)!;
    if (typeof desc.value === "function") {
      Object.defineProperty(proto, name, {
        value(this: { _native(): any }, ...args: unknown[]) {
          return this._native()[name](...args);
        },
        writable: true,
        configurable: true,
      });
    } else if (desc.get) {
      Object.defineProperty(proto, name, {
        get(this: { _native(): any }) {
          return this._native()[name];
        },
        configurable: true,
      });
    }
  }
  Object.setPrototypeOf(proto, native.prototype);
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag });
}

/**
 * Answer the symbol-keyed internal slots a native instance carries (undici 6,
 * Node 20's fetch, keeps a Request's state, signal and dispatcher under
 * `Symbol("state")` and friends) with the native object's own. undici reads
 * them straight off its argument in `new Request(input)` and `fetch(input)`,
 * so a lazy object then clones like a native one. Nothing is built until such
 * a slot is read.
 */
export function delegateSlots(lazy: { prototype: { _native(): object } }, sample: object): void {
  for (const slot of Object.getOwnPropertySymbols(sample)) {
    Object.defineProperty(lazy.prototype, slot, {
      get(this: { _native(): any }) {
        return this._native()[slot];
      },
      configurable: true,
    });
  }
}

/**
 * Request headers as a `Headers` that reads Node's rawHeaders in place:
 * `get`/`has` scan the raw pairs, iteration sorts and combines them as the
 * Fetch standard says (Cookie lines joined with "; ", as undici, Deno and
 * Bun all do), and the first change (`set`, `append`, `delete`)
 * builds a real `Headers` that takes over. `instanceof Headers` holds.
 * @module
 */
import { inspect } from "node:util";
import { delegateToNative } from "./_delegate.ts";

const NativeHeaders: typeof Headers = globalThis.Headers;
/** A header name (RFC 9110 5.1 token). */
export const TOKEN: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class NodeHeaders {
  readonly #raw: string[];
  #native: Headers | undefined;

  /** `raw` is Node's flat [name, value, ...] list, pseudo-headers (HTTP/2) skipped. */
  constructor(raw: string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#native) return this.#native.get(name);
    const lower = name.toLowerCase();
    const raw = this.#raw;
    const separator = lower === "cookie" ? "; " : ", ";
    let out: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i];
      if (key.length === lower.length && (key === lower || key.toLowerCase() === lower)) {
        out = out === null ? raw[i + 1] : out + separator + raw[i + 1];
      }
    }
    // A name that is none (a space in it, say) is a TypeError, as Headers says; a found one was a name.
    if (out === null && !TOKEN.test(name)) throw new TypeError(`"${name}" is not a valid header name`);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    if (this.#native) return this.#native.getSetCookie();
    const out: string[] = [];
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].length === 10 && raw[i].toLowerCase() === "set-cookie") out.push(raw[i + 1]);
    }
    return out;
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    const pairs = this.#pairs();
    for (let i = 0; i < pairs.length; i++) callback.call(thisArg, pairs[i][1], pairs[i][0], this as unknown as Headers);
  }

  // Array iterators, not generators: V8 optimises for-of over an array
  // iterator best. Iterating the bench's 22 request headers took 8.8 µs with a
  // generator over a Map-and-sort, 5.3 µs like this (same machine, interleaved).
  entries(): HeadersIterator<[string, string]> {
    return this.#pairs().values();
  }

  keys(): HeadersIterator<string> {
    return this.#pairs().map(nameOf).values();
  }

  values(): HeadersIterator<string> {
    return this.#pairs().map(valueOf).values();
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  /**
   * Sorted, lower-cased, combined: what iterating a Headers yields (the Fetch
   * standard's "sort and combine"; Set-Cookie lines stay apart). Built anew
   * for each iteration, as fresh pairs a caller may change: a request's
   * headers are rarely iterated twice, so a cache would cost more than it saves.
   */
  #pairs(): [string, string][] {
    if (this.#native) return [...this.#native];
    const raw = this.#raw;
    const out: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (name.charCodeAt(0) !== 58 /* : */) insertSorted(out, [name, raw[i + 1]]);
    }
    return combineSorted(out);
  }

  /** `console.log(headers)`, printed as undici prints a Headers. @internal */
  _inspect(depth: number, options: object): string {
    if (this.#native) return inspect(this.#native, { ...options, depth });
    const fields: Record<string, string> = {};
    for (const [name, value] of this.#pairs()) fields[name] = name in fields ? `${fields[name]}, ${value}` : value;
    return `Headers ${inspect(fields, { ...options, depth })}`;
  }

  /** Show and change `headers` from now on: the native Request's own copy, once the request has one. @internal */
  _adopt(headers: Headers): void {
    this.#native = headers;
  }

  /** The real Headers, built on the first change. @internal */
  _native(): Headers {
    if (this.#native) return this.#native;
    const headers = new NativeHeaders();
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].charCodeAt(0) !== 58 /* : */) headers.append(raw[i], raw[i + 1]);
    }
    return (this.#native = headers);
  }
}

type HeadersIterator<T> = ArrayIterator<T>;

const nameOf = (pair: [string, string]): string => pair[0];
const valueOf = (pair: [string, string]): string => pair[1];

/**
 * Insert `pair` after every pair whose name sorts at or before its own: equal
 * names keep their arrival order. Binary search plus a shift beats
 * Array.prototype.sort with a comparator for the few dozen headers a request
 * carries, and costs nothing when they arrive sorted.
 */
function insertSorted(sorted: [string, string][], pair: [string, string]): void {
  const name = pair[0];
  let high = sorted.length;
  if (high === 0 || sorted[high - 1][0] <= name) {
    sorted.push(pair);
    return;
  }
  let low = 0;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle][0] <= name) low = middle + 1;
    else high = middle;
  }
  sorted.splice(low, 0, pair);
}

/** Join adjacent pairs of the same name, in place: Cookie with "; ", Set-Cookie never, others with ", ". */
function combineSorted(sorted: [string, string][]): [string, string][] {
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) {
    const pair = sorted[i];
    const last = kept > 0 ? sorted[kept - 1] : undefined;
    if (last !== undefined && last[0] === pair[0] && pair[0] !== "set-cookie") {
      sorted[kept - 1] = [pair[0], last[1] + (pair[0] === "cookie" ? "; " : ", ") + pair[1]];
    } else {
      sorted[kept++] = pair;
    }
  }
  sorted.length = kept;
  return sorted;
}

// set, append, delete and anything newer go to the real Headers.
delegateToNative(NodeHeaders, NativeHeaders, "Headers");
// undici's own inspect hook reads a private field this class lacks.
Object.defineProperty(NodeHeaders.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: NodeHeaders, depth: number, options: object) {
    return this._inspect(depth, options);
  },
  configurable: true,
});

/**
 * The tail of a growing text: a child's stderr kept for the tests and the
 * CLI to read without holding all of it for the life of the process. Offsets
 * count from the text's very start, so "what came after offset n" stays
 * right after the front is dropped.
 * @module
 */

/** The last `limit` characters of everything appended. */
export class TextTail {
  readonly limit: number;
  #text = "";
  /** Characters dropped from the front. */
  #dropped = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  append(chunk: string): void {
    this.#text += chunk;
    // Trimmed only past twice the limit, so the copy is paid once per `limit` characters, not per chunk.
    if (this.#text.length <= 2 * this.limit) return;
    const cut = this.#text.length - this.limit;
    this.#text = this.#text.slice(cut);
    this.#dropped += cut;
  }

  /** How many characters were appended in all (dropped ones included). */
  get length(): number {
    return this.#dropped + this.#text.length;
  }

  /** What was appended from offset `from` on, at most the last `limit` characters of it. */
  text(from = 0): string {
    return this.#text.slice(Math.max(from - this.#dropped, this.#text.length - this.limit, 0));
  }
}

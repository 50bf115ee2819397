/**
 * Blocks of the README that are generated, each between a pair of markers
 * (`<!-- name:start -->`, `<!-- name:end -->`): `npm run readme` writes them,
 * test/docs.test.ts checks they match what they are generated from.
 * @module
 */

/** The markers around block `name`. */
export function markers(name: string): [start: string, end: string] {
  return [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
}

/** The text between `name`'s markers in `readme`, or undefined without them. */
export function blockIn(readme: string, name: string): string | undefined {
  const [start, end] = markers(name);
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  return a >= 0 && b > a ? readme.slice(a + start.length + 1, b) : undefined;
}

/** `readme` with `content` between `name`'s markers. */
export function withBlock(readme: string, name: string, content: string): string {
  const [start, end] = markers(name);
  const old = blockIn(readme, name);
  if (old === undefined) throw new Error(`README.md has no ${start} ... ${end} markers`);
  // A function, so a `$` in the content is not read as a replacement pattern.
  return readme.replace(`${start}\n${old}${end}`, () => `${start}\n${content}${end}`);
}

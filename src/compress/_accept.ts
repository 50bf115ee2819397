/**
 * Accept-Encoding negotiation (RFC 9110 12.5.3): which of the codings the
 * server offers the client takes, by q-value, ties going to the server's
 * order. One pass over the header, no regular expression: 10 KiB of junk
 * costs a scan of 10 KiB and is ignored.
 * @module
 */
import type { Encoding } from "../types.ts";

/** The outcome: a coding, no coding, or "none acceptable" (identity refused too). */
export type Choice = Encoding | "identity" | "unacceptable";

/**
 * Choose among `offered` (best first) for the `accept` header.
 *
 * - No header: identity. RFC 9110 says any coding is then acceptable, but a
 *   client that sent none (curl without `--compressed`) may not decode one.
 * - An empty header: identity.
 * - A coding is acceptable with q > 0; `*` stands for every coding not
 *   named, identity included. `x-gzip` is gzip (RFC 9110 8.4.1.3).
 * - Identity is acceptable unless `identity;q=0`, or `*;q=0` without an
 *   `identity` entry. When nothing is, the caller answers 406.
 */
export function negotiate(accept: string | null, offered: readonly Encoding[]): Choice {
  if (accept === null) return "identity";
  const q = weights(accept);
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const coding of offered) {
    const w = weightOf(q, coding);
    if (w > bestQ) {
      best = coding;
      bestQ = w;
    }
  }
  if (best) return best;
  const identity = q.get("identity") ?? q.get("*") ?? 1000;
  return identity > 0 ? "identity" : "unacceptable";
}

/** The codings of `offered` the client accepts, best first (by q-value, then by `offered`'s order). */
export function ranked(accept: string | null, offered: readonly Encoding[]): Encoding[] {
  if (accept === null) return [];
  const q = weights(accept);
  return offered.filter((coding) => weightOf(q, coding) > 0).sort((a, b) => weightOf(q, b) - weightOf(q, a));
}

function weightOf(q: Map<string, number>, coding: Encoding): number {
  return q.get(coding) ?? q.get("*") ?? 0;
}

/** Codings the header names, with their q-values in thousandths; unknown codings and malformed entries are skipped. */
function weights(header: string): Map<string, number> {
  const out = new Map<string, number>();
  let at = 0;
  const end = header.length;
  while (at < end) {
    let comma = header.indexOf(",", at);
    if (comma < 0) comma = end;
    const entry = parseEntry(header.slice(at, comma));
    // The first mention of a coding counts; later ones are ignored (a repeated coding is a client bug).
    if (entry && !out.has(entry.coding)) out.set(entry.coding, entry.q);
    at = comma + 1;
  }
  return out;
}

const KNOWN = new Set(["br", "gzip", "x-gzip", "zstd", "identity", "*"]);

/** One list element, `coding` or `coding;q=0.5`. */
function parseEntry(element: string): { coding: string; q: number } | undefined {
  const semi = element.indexOf(";");
  let coding = (semi < 0 ? element : element.slice(0, semi)).trim().toLowerCase();
  if (!KNOWN.has(coding)) return undefined;
  if (coding === "x-gzip") coding = "gzip";
  if (semi < 0) return { coding, q: 1000 };
  const q = qvalue(element.slice(semi + 1).trim());
  return q === undefined ? undefined : { coding, q };
}

/** `q=0`, `q=0.5`, `q=1.000` (RFC 9110 12.4.2) in thousandths; undefined for anything else. */
function qvalue(param: string): number | undefined {
  if (param.length < 3 || param.length > 7 || (param[0] !== "q" && param[0] !== "Q") || param[1] !== "=") return undefined;
  const digits = param.slice(2);
  if (digits === "1" || /^1\.0{0,3}$/.test(digits)) return 1000;
  if (digits === "0") return 0;
  if (!/^0\.\d{0,3}$/.test(digits)) return undefined;
  return Number(digits.slice(2).padEnd(3, "0"));
}

/**
 * The TLS scenarios ("h2-hello", "h2-upload", "https-hello") serve the plain
 * scenario's work over TLS; the raw TLS servers look the work up by that name.
 * @module
 */

/** "h2-upload" → "upload", "https-hello" → "hello". */
export const plainScenario = (scenario: string): string => scenario.replace(/^(h2|https)-/, "");

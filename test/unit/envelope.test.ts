/**
 * The envelope a published message crosses processes in
 * (`src/pubsub/_envelope.ts`): kind and `compress` arrive as a local publish
 * reads them.
 */
import { describe, expect, test } from "vitest";
import { Envelopes } from "../../src/pubsub/_envelope.ts";
import type { PublishOptions } from "../../src/types.ts";

/** What another instance decodes from `data` published with `options`. */
function across(data: string | Uint8Array, options: PublishOptions | undefined): unknown {
  const wire = new Envelopes().encode(data, options);
  return new Envelopes().decode(typeof wire === "string" ? new TextEncoder().encode(wire) : wire);
}

describe("Envelopes", () => {
  test("text stays text and bytes stay bytes, with compress true, false or not given", () => {
    expect(across("h\u00e9", { compress: true })).toEqual({ data: "h\u00e9", options: { compress: true } });
    expect(across(new Uint8Array([0, 255]), { compress: false })).toEqual({ data: new Uint8Array([0, 255]), options: { compress: false } });
    expect(across("", undefined)).toEqual({ data: "", options: undefined });
  });

  test("compress: null travels as no choice (the default by size), as a local publish reads it", () => {
    const options = { compress: null } as unknown as PublishOptions;
    expect(across("x".repeat(2048), options)).toEqual({ data: "x".repeat(2048), options: undefined });
    expect(across("x", { compress: undefined })).toEqual({ data: "x", options: undefined });
  });
});

/** The part headers Bun's formData() is corrected with (adapters/bun/_multipart-types.ts); plain string work, run on Node. */
import { expect, test } from "vitest";
import { delimiterEndsInLf, filePartTypes, multipartBoundary } from "../../adapters/bun/_multipart-types.ts";

test("multipartBoundary reads a plain or quoted boundary of multipart/form-data only", () => {
  expect(multipartBoundary("multipart/form-data; boundary=abc")).toBe("abc");
  expect(multipartBoundary('Multipart/Form-Data;charset=utf-8; Boundary="a b;c"')).toBe("a b;c");
  expect(multipartBoundary("multipart/mixed; boundary=abc")).toBeUndefined();
  expect(multipartBoundary("multipart/form-data")).toBeUndefined();
  expect(multipartBoundary(null)).toBeUndefined();
});

test("filePartTypes lists the Content-Type of each part with a file name, in order; text/plain when it names none", () => {
  const part = (disposition: string, headers: string, body: string) => `--xx\r\nContent-Disposition: form-data; ${disposition}\r\n${headers}\r\n${body}\r\n`;
  const body = new TextEncoder().encode(
    "preamble\r\n" +
      part('name="a"', "", "field, even with --xx inside") +
      part('name="f"; filename="pic"', "content-type:  image/webp \r\n", "RIFF\r\n--x") +
      part(`name="s"; filename*=UTF-8''x.bin`, "Content-Type: image/png\r\n", "a string for Bun") +
      part('name="e"; filename=""', "", "") +
      "--xx--\r\nepilogue",
  );
  expect(filePartTypes(body, "xx")).toEqual(["image/webp", "text/plain"]);
  expect(filePartTypes(body.subarray(0, 40), "xx")).toEqual([]); // cut short: what is there, no throw
});

test("delimiterEndsInLf is true when the first delimiter line ends in a bare LF, padding allowed", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  expect(delimiterEndsInLf(bytes('--b\nContent-Disposition: form-data; name="a"\n\nv\n--b--\n'), "b")).toBe(true);
  expect(delimiterEndsInLf(bytes("preamble\n--b \t\nx"), "b")).toBe(true);
  expect(delimiterEndsInLf(bytes('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\n--b--\r\n'), "b")).toBe(false);
  expect(delimiterEndsInLf(bytes("--b--\n"), "b")).toBe(false);
  expect(delimiterEndsInLf(bytes("no delimiter\n"), "b")).toBe(false);
});

/**
 * The TLS scenarios' side of the bench: one certificate per run, made when the
 * bench runs (the tests' own generator; no key is committed), and requests
 * that check an answer over h2 or HTTPS/1.1 while trusting only that certificate.
 * @module
 */
import http2 from "node:http2";
import https from "node:https";
import { Buffer } from "node:buffer";
import { testCertificate, type TestCertificate } from "../test/support/cert.ts";

/** The run's certificate for 127.0.0.1: PEM files for the servers and the certificate to trust. */
export const benchCertificate = (): Promise<TestCertificate> => testCertificate();

export interface TlsAnswer {
  status: number;
  body: string;
  /** "h2" or "http/1.1": what the connection spoke. */
  protocol: string;
}

/** One request over HTTP/2 (ALPN h2) to `url`, trusting only the bench certificate. */
async function overH2(url: string, method: string, body?: Uint8Array): Promise<TlsAnswer> {
  const { ca } = await benchCertificate();
  const session = http2.connect(url, { ca });
  try {
    return await new Promise<TlsAnswer>((resolve, reject) => {
      session.once("error", reject);
      const stream = session.request({ ":method": method, ":path": "/" });
      const chunks: Buffer[] = [];
      let status = 0;
      stream.on("response", (headers) => (status = Number(headers[":status"])));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("end", () => resolve({ status, body: Buffer.concat(chunks).toString(), protocol: session.alpnProtocol ?? "" }));
      stream.once("error", reject);
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

/** One request over HTTPS/1.1 (no ALPN offered, as wrk) to `url`, trusting only the bench certificate. */
async function overH1(url: string, method: string, body?: Uint8Array): Promise<TlsAnswer> {
  const { ca } = await benchCertificate();
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method, ca, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), protocol: `http/${response.httpVersion}` }));
    });
    request.once("error", reject);
    request.end(body);
  });
}

/** `method` to `url` over `protocol`; throws unless the connection spoke that protocol and the status is 200. */
export async function tlsRequest(url: string, protocol: "h2" | "http/1.1", method = "GET", body?: Uint8Array): Promise<string> {
  const answer = await (protocol === "h2" ? overH2 : overH1)(url, method, body);
  if (answer.protocol !== protocol) throw new Error(`spoke ${answer.protocol}, not ${protocol}`);
  if (answer.status !== 200) throw new Error(`status ${answer.status}`);
  return answer.body;
}

/**
 * Hand-written SVG: one horizontal bar per contender, grouped by runtime and
 * scenario, its length the ratio to the raw server in the same run; a line
 * marks 1.0 (as fast as the raw server) and a black tick the ratio per server
 * CPU-second (the cost, steadier on a noisy machine).
 * @module
 */
import type { RunResult } from "./_result.ts";

const COLORS: Record<string, string> = {
  omniserve: "#2563eb",
  "@hono/node-server": "#f97316",
  srvx: "#16a34a",
};

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The chart for one run. */
export function chart(run: RunResult): string {
  const bars = run.rows.filter((r) => !r.control);
  // The axis stops at 2.0 so ratios near 1 stay readable; longer bars end in an arrow.
  const max = Math.min(2, Math.max(1.2, ...bars.map((r) => Math.max(r.ratio ?? 0, r.cpuRatio ?? 0))));
  const left = 230;
  const width = 460;
  const rowH = 16;
  const x = (v: number): number => left + (Math.min(v, max) / max) * width;
  const body: string[] = [];
  let y = 50;
  let group = "";
  for (const r of bars) {
    const key = `${r.runtime} · ${r.scenario}`;
    if (key !== group) {
      group = key;
      y += 8;
      body.push(`<text x="10" y="${y + 11}" font-weight="bold">${esc(key)}</text>`);
    }
    body.push(`<text x="${left - 6}" y="${y + 11}" text-anchor="end">${esc(r.contender)}</text>`);
    if (r.ratio === null) {
      body.push(`<text x="${left + 4}" y="${y + 11}" fill="#6b7280">${esc(r.status === "ok" ? "no data" : r.status.slice(0, 60))}</text>`);
    } else {
      const color = COLORS[r.contender] ?? "#6b7280";
      body.push(`<rect x="${left}" y="${y + 2}" width="${(x(r.ratio) - left).toFixed(1)}" height="${rowH - 4}" fill="${color}"/>`);
      if (r.ratio > max) body.push(`<text x="${(x(r.ratio) - 12).toFixed(1)}" y="${y + 11}" fill="#fff">▶</text>`);
      const label = Math.max(x(r.ratio), r.cpuRatio === null ? 0 : x(r.cpuRatio)) + 4;
      body.push(`<text x="${label.toFixed(1)}" y="${y + 11}">${r.ratio.toFixed(2)}${r.cpuRatio === null ? "" : ` (CPU ${r.cpuRatio.toFixed(2)})`}</text>`);
      if (r.cpuRatio !== null) {
        const t = Math.min(x(r.cpuRatio), left + width).toFixed(1);
        body.push(`<line x1="${t}" y1="${y}" x2="${t}" y2="${y + rowH}" stroke="#111" stroke-width="2"/>`);
      }
    }
    y += rowH;
  }
  const height = y + 30;
  const one = x(1).toFixed(1);
  const v = run.versions;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">Throughput ratio to the raw server (same run; 1.0 = as fast as raw; tick = per server CPU-second)</text>`,
    `<text x="10" y="34" fill="#374151">${esc(`${run.date.slice(0, 16)} · ${run.machine.tag} · node ${v.node}, deno ${v.deno}, bun ${v.bun} · ${v.wrk}`)}</text>`,
    ...body,
    `<line x1="${one}" y1="44" x2="${one}" y2="${y + 4}" stroke="#111" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${y + 18}" text-anchor="middle">1.0</text>`,
    `</svg>`,
    "",
  ].join("\n");
}

/**
 * Hand-written SVG for the soak: two line charts over time, the server's RSS
 * (MiB) and its open file descriptors, with the end of the warm-up marked.
 * @module
 */

export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  rssMiB: number;
  fds: number;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One panel: a polyline of `values` over `t`, its axis from 0 to a rounded-up maximum. */
function panel(samples: SoakSample[], pick: (s: SoakSample) => number, label: string, top: number, color: string, warmup: number): string[] {
  const left = 60;
  const width = 560;
  const height = 150;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const vMax = niceMax(Math.max(1, ...samples.map(pick)));
  const x = (t: number): number => left + (t / tMax) * width;
  const y = (v: number): number => top + height - (v / vMax) * height;
  const points = samples.map((s) => `${x(s.t).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(" ");
  const out = [
    `<text x="${left}" y="${top - 8}" font-weight="bold">${esc(label)}</text>`,
    `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#9ca3af"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + height}" stroke="#9ca3af"/>`,
  ];
  for (const v of [0, vMax / 2, vMax]) {
    out.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#6b7280">${round(v)}</text>`);
  }
  out.push(`<text x="${left + width}" y="${top + height + 16}" text-anchor="end" fill="#6b7280">${round(tMax)} s</text>`);
  if (warmup > 0 && warmup < tMax) {
    out.push(`<line x1="${x(warmup)}" y1="${top}" x2="${x(warmup)}" y2="${top + height}" stroke="#d1d5db" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x(warmup) + 4}" y="${top + 12}" fill="#6b7280">warm-up ends</text>`);
  }
  out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points}"/>`);
  return out;
}

/** 1, 2 or 5 times a power of ten, at least `v`. */
function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v)!;
}

const round = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** The soak chart: `title` on top, RSS and descriptors below it. */
export function soakChart(title: string, samples: SoakSample[], warmup: number): string {
  const body = [
    `<text x="10" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...panel(samples, (s) => s.rssMiB, "RSS (MiB)", 60, "#2563eb", warmup),
    ...panel(samples, (s) => s.fds, "open file descriptors", 260, "#16a34a", warmup),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="660" height="450" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

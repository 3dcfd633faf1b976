// Plain-text tables and the small statistics the harness needs.
export function median(xs) {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Median of every numeric field over several result objects (the first one's other fields kept). */
export function medianResult(results) {
  const ok = results.filter((r) => r && !r.error);
  if (!ok.length) return results[0] ?? { error: "no result" };
  const out = { ...ok[0], runs: ok.length };
  for (const k of Object.keys(ok[0])) {
    if (typeof ok[0][k] === "number") out[k] = median(ok.map((r) => r[k]));
  }
  return out;
}

export function fmt(x, digits = 2) {
  if (x === undefined || x === null || Number.isNaN(x)) return "-";
  if (typeof x === "string") return x;
  if (Math.abs(x) >= 1e4 || (digits === 0 && Number.isInteger(Math.round(x)))) return Math.round(x).toLocaleString("en-US");
  return x.toFixed(digits);
}

export function pct(x) {
  return x === undefined ? "-" : `${(x * 100).toFixed(1)}%`;
}

/** Renders rows (arrays of strings) under a header as a Markdown table with aligned columns. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? "-")));
  const w = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  const sep = "|" + w.map((n, i) => (i === 0 ? "-".repeat(n + 2) : "-".repeat(n + 1) + ":")).join("|") + "|";
  return [line(all[0]), sep, ...all.slice(1).map(line)].join("\n");
}

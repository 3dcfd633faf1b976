// `--name value` command-line options of the bench processes, numbers coerced.
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) {
      out[key] = true;
    } else {
      out[key] = /^-?\d+(\.\d+)?$/.test(next) ? Number(next) : next;
      i++;
    }
  }
  return out;
}

/** Loopback only: every bench process refuses any other address. */
export function loopbackHost(host = "127.0.0.1") {
  if (host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return host;
  throw new Error(`refusing non-loopback address ${host}`);
}

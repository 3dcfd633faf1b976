// Diagnostic, not used by the harness: counts the calls into the addon per native method, and
// prints them to stderr as one line `NATIVE-CALLS {"NativeDtlsPeer.getStatus": n, ...}` when the
// process exits. Preload it into any bench process:
//   node --require ./bench/lib/count-native-calls.cjs bench/dtls/echo-server.mjs --transport dtls ...
// then divide by the packets the process handled (the DTLS echo's figures in bench/README.md).
// Wrapping adds a JS call per native call: profile CPU without it.
"use strict";
const path = require("node:path");

const binding = require(path.join(__dirname, "..", "..", "native", "binding.cjs"));
const counts = {};
for (const [name, cls] of Object.entries(binding)) {
  if (typeof cls !== "function" || !cls.prototype) continue;
  for (const method of Object.getOwnPropertyNames(cls.prototype)) {
    const d = Object.getOwnPropertyDescriptor(cls.prototype, method);
    if (method === "constructor" || typeof d.value !== "function") continue;
    const f = d.value;
    const key = `${name}.${method}`;
    cls.prototype[method] = function (...args) {
      const result = f.apply(this, args);
      // NativePeer.entries() hands out hot-path methods as functions of their own: count them.
      if (method === "entries") {
        return Object.fromEntries(Object.entries(result).map(([m, g]) => [m, countAs(`${name}.${m}`, g)]));
      }
      counts[key] = (counts[key] ?? 0) + 1;
      return result;
    };
  }
}
function countAs(key, f) {
  return (...args) => {
    counts[key] = (counts[key] ?? 0) + 1;
    return f(...args);
  };
}
process.on("exit", () => process.stderr.write(`NATIVE-CALLS ${JSON.stringify(counts)}\n`));

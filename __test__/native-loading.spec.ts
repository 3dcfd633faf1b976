import test from "ava";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..");

// The loader must name the platform and say what to do when no binary fits it.
test("an unsupported platform gets a message naming it and the way out", (t) => {
  const script = [
    'Object.defineProperty(process, "platform", { value: "aix" });',
    'Object.defineProperty(process, "arch", { value: "ppc64" });',
    "try {",
    '  require("./src-ts/native.ts");',
    '  console.log("LOADED");',
    "} catch (e) {",
    "  console.log(e.message);",
    "}",
  ].join("\n");
  const result = spawnSync(process.execPath, ["--import=tsx", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
  });
  t.is(result.status, 0, result.stderr);
  t.notRegex(result.stdout, /LOADED/);
  t.regex(result.stdout, /aix-ppc64/);
  t.regex(result.stdout, /linux-x64-gnu/);
  t.regex(result.stdout, /build from source/);
});

test("the native addon loads on this machine", (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { native } = require("../src-ts/native.js") as typeof import("../src-ts/native.js");
  t.is(typeof native.NativePeer, "function");
  t.is(typeof native.NativeServer, "function");
});

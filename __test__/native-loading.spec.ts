import test from "ava";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");

// The platform packages (npm/<platform>, as napi-rs names them): one per target in napi.targets.
const SUPPORTED = readdirSync(join(root, "npm"));
const TARGETS: string[] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).napi.targets;

/** Loads the facade's loader in a child process that claims to be `platform`-`arch`; its stdout. */
function loadAs(t: import("ava").ExecutionContext, platform: string, arch: string): string {
  const script = [
    `Object.defineProperty(process, "platform", { value: ${JSON.stringify(platform)} });`,
    `Object.defineProperty(process, "arch", { value: ${JSON.stringify(arch)} });`,
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
  return result.stdout;
}

// The loader must name the platform and say what to do when no binary fits it.
test("an unsupported platform gets a message naming it, the supported ones and the way out", (t) => {
  t.is(SUPPORTED.length, TARGETS.length, "one platform package per napi target");
  const message = loadAs(t, "aix", "ppc64");
  t.regex(message, /for aix-ppc64\./);
  for (const platform of SUPPORTED) t.true(message.includes(platform), `${platform} is listed`);
  t.notRegex(message, /is one of them/);
  t.regex(message, /build from source/);
  t.regex(message, /npm install/);
});

// A supported platform whose optional dependency is missing (installed with --omit=optional, or
// for another platform): the message names that package and still offers the source build.
test("a supported platform without its binary is told which package is missing", (t) => {
  const message = loadAs(t, "darwin", "arm64");
  t.regex(message, /for darwin-arm64\./);
  t.regex(message, /darwin-arm64 is one of them: reinstall without --no-optional/);
  t.regex(message, /godot-udp-darwin-arm64 is installed/);
  t.regex(message, /build from source/);
});

test("the native addon loads on this machine", (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { native } = require("../src-ts/native.js") as typeof import("../src-ts/native.js");
  t.is(typeof native.NativePeer, "function");
  t.is(typeof native.NativeServer, "function");
});

// The built package (dist/) works from an ES module `import` and from CommonJS `require`, both by
// the package name (Node resolves a package's own name through its "exports"), in fresh `node`
// processes. Needs `npm run build:ts` (npm test runs after `npm install`, which builds).
import test from "ava";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const DIST_FILES = ["dist/index.js", "dist/index.mjs", "dist/index.d.ts", "dist/index.d.mts"];

function missingDist(): string[] {
  return DIST_FILES.filter((f) => !existsSync(join(ROOT, f)));
}

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: ROOT, timeout: 20_000, env: { ...process.env, NODE_OPTIONS: "" } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

// Both scripts: a loopback round trip through the public API, then a JSON summary.
const ROUND_TRIP = `
  const receiver = new PacketPeerUDP();
  const sender = new PacketPeerUDP();
  const summary = { bind: receiver.bind(0, "127.0.0.1") };
  summary.dest = sender.setDestAddress("127.0.0.1", receiver.getLocalPort());
  summary.put = sender.putPacket(Buffer.from("hello"));
  summary.wait = receiver.waitSync(5000);
  summary.count = receiver.getAvailablePacketCount();
  summary.data = receiver.getPacket().toString();
  summary.ip = receiver.getPacketIp();
  summary.unavailable = GodotError.ERR_UNAVAILABLE;
  summary.isPeer = receiver instanceof PacketPeer;
  receiver.close();
  sender.close();
`;

const EXPECTED = {
  bind: 0,
  dest: 0,
  put: 0,
  wait: 0,
  count: 1,
  data: "hello",
  ip: "127.0.0.1",
  unavailable: 2,
  isPeer: true,
};

test.before((t) => {
  const missing = missingDist();
  if (missing.length > 0) {
    t.fail(`dist is not built (missing ${missing.join(", ")}): run \`npm run build:ts\` before these tests`);
  }
});

test("ESM: import { PacketPeerUDP, GodotError } from 'godot-udp' sends and receives", async (t) => {
  const script = `
    import { PacketPeerUDP, PacketPeer, GodotError } from "godot-udp";
    import pkg from "godot-udp";
    import { createRequire } from "node:module";
    ${ROUND_TRIP}
    summary.defaultExport = pkg.PacketPeerUDP === PacketPeerUDP;
    summary.sameAsRequire = createRequire(import.meta.url)("godot-udp").PacketPeerUDP === PacketPeerUDP;
    console.log(JSON.stringify(summary));
  `;
  const { code, stdout, stderr } = await runNode(["--input-type=module", "-e", script]);
  t.is(code, 0, stderr);
  t.deepEqual(JSON.parse(stdout), { ...EXPECTED, defaultExport: true, sameAsRequire: true });
});

test("CommonJS: require('godot-udp') sends and receives", async (t) => {
  const script = `
    const { PacketPeerUDP, PacketPeer, GodotError } = require("godot-udp");
    ${ROUND_TRIP}
    console.log(JSON.stringify(summary));
  `;
  const { code, stdout, stderr } = await runNode(["-e", script]);
  t.is(code, 0, stderr);
  t.deepEqual(JSON.parse(stdout), EXPECTED);
});

test("both entries export the same names, with type declarations", async (t) => {
  const script = `
    import * as esm from "godot-udp";
    import { createRequire } from "node:module";
    const cjs = createRequire(import.meta.url)("godot-udp");
    const names = (o) => Object.keys(o).filter((n) => n !== "default" && n !== "__esModule").sort();
    console.log(JSON.stringify({ esm: names(esm), cjs: names(cjs) }));
  `;
  const { code, stdout, stderr } = await runNode(["--input-type=module", "-e", script]);
  t.is(code, 0, stderr);
  const { esm, cjs } = JSON.parse(stdout) as { esm: string[]; cjs: string[] };
  t.deepEqual(esm, cjs);
  const classes = ["PacketPeerUDP", "PacketPeer", "GodotError", "errorName", "UDPSocketError", "PacketPeerDTLS"];
  const multiplayer = ["ENetConnection", "ENetPacketPeer", "ENetMultiplayerPeer", "SceneMultiplayer", "MultiplayerPeer"];
  for (const name of [...classes, ...multiplayer]) {
    t.true(esm.includes(name), name);
  }
  t.false(esm.includes("wrapNativePeer"), "server internals stay private");
  const dts = readFileSync(join(ROOT, "dist/index.d.ts"), "utf8");
  t.regex(dts, /PacketPeerUDP/);
  t.regex(readFileSync(join(ROOT, "dist/packet-peer-udp.d.ts"), "utf8"), /getPacketIp\(\): string;/);
});

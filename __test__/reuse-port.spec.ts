// SO_REUSEPORT scale-out: two processes listen on one port with `reusePort: true` and the kernel
// spreads remote addresses between them. Linux only (the option's load-balancing semantics).
import test from "ava";
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { until, withDeadline } from "./udp-server-helpers.js";

const CHILD = join(__dirname, "fixtures", "reuse-port-child.ts");
const MAX_GROUPS = 25;
const GROUP = 8; // datagrams sent before waiting for both children to account for them

interface ChildReport {
  type: "listening" | "connection";
  result?: number;
  port: number;
  data?: string;
}

interface Child {
  process: ChildProcess;
  connections: ChildReport[];
  listening: Promise<ChildReport | "timeout">;
  stderr: string[];
}

function startChild(port: number, onExit: (child: ChildProcess) => void): Child {
  const child = fork(CHILD, [String(port)], { execArgv: ["--import", "tsx"], silent: true });
  onExit(child);
  const state: Child = { process: child, connections: [], stderr: [], listening: Promise.resolve("timeout") };
  child.stderr?.on("data", (chunk: Buffer) => state.stderr.push(chunk.toString()));
  state.listening = withDeadline(
    new Promise<ChildReport>((resolve) => {
      child.on("message", (message: ChildReport) => {
        if (message.type === "listening") resolve(message);
        else state.connections.push(message);
      });
    }),
    20000,
    "timeout" as const,
  );
  return state;
}

test("two processes share a port with reusePort and both receive", async (t) => {
  if (process.platform !== "linux") return t.pass("SO_REUSEPORT load balancing is tested on Linux");
  const children: ChildProcess[] = [];
  t.teardown(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  const track = (child: ChildProcess): void => void children.push(child);

  const a = startChild(0, track);
  const aListening = await a.listening;
  if (aListening === "timeout") return t.fail(`first child did not start: ${a.stderr.join("")}`);
  t.is(aListening.result, GodotError.OK);
  const port = aListening.port;
  t.true(port > 0);

  const b = startChild(port, track);
  const bListening = await b.listening;
  if (bListening === "timeout") return t.fail(`second child did not start: ${b.stderr.join("")}`);
  t.is(bListening.result, GodotError.OK);
  t.is(bListening.port, port);

  // A socket without SO_REUSEPORT (and, being a PacketPeerUDP, without SO_REUSEADDR) is refused.
  const intruder = new PacketPeerUDP();
  t.teardown(() => intruder.close());
  t.is(intruder.bind(port, "127.0.0.1"), GodotError.ERR_UNAVAILABLE);
  t.false(intruder.isBound());

  // Each datagram comes from its own source port; the kernel hashes the 4-tuple to one socket.
  const clients: PacketPeerUDP[] = [];
  t.teardown(() => {
    for (const c of clients) c.close();
  });
  const sent = new Set<number>();
  for (let group = 0; group < MAX_GROUPS; group++) {
    for (let i = 0; i < GROUP; i++) {
      const client = new PacketPeerUDP();
      clients.push(client);
      t.is(client.connectToHost("127.0.0.1", port), GodotError.OK);
      t.is(client.putPacket(Buffer.from(`from ${client.getLocalPort()}`)), GodotError.OK);
      sent.add(client.getLocalPort());
    }
    const accounted = await until(() => a.connections.length + b.connections.length >= sent.size, 10000);
    t.true(accounted, "every datagram reached one of the children");
    if (a.connections.length > 0 && b.connections.length > 0) break;
  }
  t.true(a.connections.length > 0, "first child received");
  t.true(b.connections.length > 0, "second child received");

  // Each remote went to exactly one process, with its own payload.
  const reported = [...a.connections, ...b.connections];
  t.is(reported.length, sent.size);
  const byPort = (x: number, y: number): number => x - y;
  t.deepEqual(reported.map((r) => r.port).sort(byPort), [...sent].sort(byPort));
  t.true(reported.every((r) => r.data === `from ${r.port}`));

  for (const child of [a, b]) child.process.send("stop");
  const exited = await Promise.all(
    [a, b].map((child) =>
      withDeadline(
        new Promise<number | null>((resolve) => {
          if (child.process.exitCode !== null) resolve(child.process.exitCode);
          else child.process.once("exit", (code) => resolve(code));
        }),
        10000,
        "timeout" as const,
      ),
    ),
  );
  t.deepEqual(exited, [0, 0], "children exit by themselves after stop()");
});

test("listen with reusePort: a second reusePort server in the same process shares the port", (t) => {
  if (process.platform !== "linux") return t.pass("SO_REUSEPORT is tested on Linux");
  const first = new UDPServer();
  const second = new UDPServer();
  t.teardown(() => {
    first.stop();
    second.stop();
  });
  t.is(first.listen(0, "127.0.0.1", { reusePort: true }), GodotError.OK);
  const port = first.getLocalPort();
  t.is(second.listen(port, "127.0.0.1", { reusePort: true }), GodotError.OK);
  t.is(second.getLocalPort(), port);

  // Without the option the port is refused to a plain bind.
  const plain = new PacketPeerUDP();
  t.teardown(() => plain.close());
  t.is(plain.bind(port, "127.0.0.1"), GodotError.ERR_UNAVAILABLE);

  // As in Godot, a UDPServer sets SO_REUSEADDR, which Linux lets share a UDP port with other
  // SO_REUSEADDR sockets even without reusePort (which of them gets a datagram is then unspecified).
  const third = new UDPServer();
  t.teardown(() => third.stop());
  t.is(third.listen(port, "127.0.0.1"), GodotError.OK);
});

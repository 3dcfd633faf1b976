// Scale-out with SO_REUSEPORT: several node:cluster workers each run a UDPServer on the SAME
// port (listen(..., { reusePort: true })), and the Linux kernel spreads remote addresses among
// them, so each worker serves its own share of the clients on its own core.
// Runs by itself on loopback: a built-in client (many sockets, so many source ports) plays
// ping-pong with the workers for a few seconds, then it prints what each worker handled and exits.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { GodotError, PacketPeerUDP, UDPServer } from "../dist/index.js";

const WORKERS = Math.max(2, Math.min(4, availableParallelism()));
const CLIENT_SOCKETS = 64;
const RUN_MS = 3000;
const DEADLINE_MS = RUN_MS + 20000; // generous: workers need time to start on a busy machine

if (cluster.isPrimary) await primary();
else worker();

function worker() {
  const server = new UDPServer();
  // One poll() reads every datagram waiting; as in Godot, new remotes beyond this many pending
  // ones are dropped. The client below opens its sockets in one burst: leave room for it.
  server.maxPendingConnections = 256;
  const result = server.listen(Number(process.env.PORT), "127.0.0.1", { reusePort: true });
  if (result !== GodotError.OK) {
    process.send({ type: "failed", result });
    process.disconnect();
    return;
  }
  let remotes = 0;
  let packets = 0;
  server.on("connection", (peer) => {
    remotes++;
    peer.on("packet", (data) => {
      packets++;
      peer.putPacket(data); // echo
    });
  });
  process.send({ type: "listening", port: server.getLocalPort() });
  process.on("message", (message) => {
    if (message !== "report") return;
    process.send({ type: "report", pid: process.pid, remotes, packets });
    server.stop();
    process.disconnect(); // nothing else keeps the worker alive: it exits
  });
}

function nextMessage(worker, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type === type) {
        worker.off("message", onMessage);
        resolve(message);
      } else if (message.type === "failed") {
        reject(new Error(`worker ${worker.id}: listen failed with ${GodotError[message.result]}`));
      }
    };
    worker.on("message", onMessage);
  });
}

async function primary() {
  const safety = setTimeout(() => {
    console.error("cluster example: deadline passed, stopping");
    for (const w of Object.values(cluster.workers)) w.kill();
    process.exit(1);
  }, DEADLINE_MS);
  safety.unref();

  // The first worker picks a free port; the others join it.
  const first = cluster.fork({ PORT: "0" });
  const { port } = await nextMessage(first, "listening");
  const others = Array.from({ length: WORKERS - 1 }, () => cluster.fork({ PORT: String(port) }));
  await Promise.all(others.map((w) => nextMessage(w, "listening")));
  const workers = [first, ...others];
  console.log(`${workers.length} workers share 127.0.0.1:${port}`);

  // Built-in client: each socket has its own source port and keeps one ping in flight.
  let echoes = 0;
  let running = true;
  const sockets = Array.from({ length: CLIENT_SOCKETS }, () => {
    const socket = new PacketPeerUDP();
    socket.connectToHost("127.0.0.1", port);
    socket.on("packet", (data) => {
      echoes++;
      if (running) socket.putPacket(data);
    });
    socket.putPacket(Buffer.from("ping"));
    return socket;
  });
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  running = false;
  const seconds = (Date.now() - started) / 1000;

  const reports = await Promise.all(
    workers.map((w) => {
      const report = nextMessage(w, "report");
      w.send("report");
      return report;
    }),
  );
  for (const s of sockets) s.close();
  for (const [i, r] of reports.entries()) {
    console.log(`worker ${i + 1} (pid ${r.pid}): ${r.remotes} client sockets, ${r.packets} packets echoed`);
  }
  const busy = reports.filter((r) => r.packets > 0).length;
  console.log(
    `client: ${echoes} echoes in ${seconds.toFixed(1)} s (${Math.round(echoes / seconds)}/s); ` +
      `${busy} of ${reports.length} workers received traffic`,
  );
  clearTimeout(safety);
  process.exitCode = busy === reports.length ? 0 : 1;
}

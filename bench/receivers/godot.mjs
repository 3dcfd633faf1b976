// godot-udp receivers, one per way of reading (`--mode`):
//   readme  the README's loop exactly: `while ((await peer.wait()) === OK)`, then
//           `while (getAvailablePacketCount() > 0) getPacket()`, no budget per wake-up
//   readme-var  the same with getVar() (the load is Variants: an INT header, then the sequence)
//   drain   Godot's loop bounded per wake-up: `await peer.wait()`, then at most 4096 ×
//           `while (getAvailablePacketCount() > 0) getPacket()`
//   drain-n the same, asking for the count once per batch: `n = count; n times getPacket()`
//   batch   `await peer.wait()`, then `getPackets()` (one native call per batch) until empty
//   event   the 'packet' event (data, rinfo)
//   iter    `for await (const packet of peer)`
//   native  no facade: NativePeer.watch + takePackets into reused buffers (what the N-API layer
//           costs on its own; the facade's event/iterator paths are built on it)
// Every mode reads the sequence number of every packet, as the other receivers do.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { ReceiveMeter } from "../lib/receive-meter.mjs";
import { godot, loadNative, OK, META_WORDS } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const mode = args.mode ?? "event";
const queue = args.queue ?? 4 << 20; // the bounded queue's size; the OS buffer is separate
const meter = new ReceiveMeter(`godot-${mode}`, args);
let closed = false;
const BUDGET = 4096; // packets per wake-up in the getPacket loops

if (mode === "native") {
  const { NativePeer } = loadNative();
  const peer = new NativePeer();
  if (peer.bind(args.port ?? 0, host, queue, false) !== OK) throw new Error("bind failed");
  const data = new Uint8Array(256 * 1024);
  const view = Buffer.from(data.buffer);
  const meta = new Uint32Array(512 * META_WORDS);
  peer.watch((status) => {
    if (closed || status !== OK) return;
    for (;;) {
      const n = peer.takePackets(data, meta);
      if (n <= 0) break;
      meter.calls++;
      meter.count += n;
      meter.seq = view.readUInt32LE(meta[(n - 1) * META_WORDS]);
    }
    peer.rearm();
  });
  process.stdout.write(`READY ${peer.getLocalPort()}\n`);
  meter.start(() => {
    closed = true;
    peer.close();
  });
} else {
  const peer = new godot.PacketPeerUDP();
  if (peer.bind(args.port ?? 0, host, queue) !== OK) throw new Error("bind failed");
  process.stdout.write(`READY ${peer.getLocalPort()}\n`);
  meter.start(() => {
    closed = true;
    peer.close();
  });
  if (mode === "event") {
    peer.on("packet", (data) => {
      meter.count++;
      meter.seq = data.readUInt32LE(0);
    });
  } else if (mode === "iter") {
    (async () => {
      for await (const packet of peer) {
        meter.count++;
        meter.seq = packet.data.readUInt32LE(0);
        // Under a flood the loop may never yield to the event loop (see README): keep time here.
        if ((meter.count & 4095) === 0) meter.tick();
      }
    })();
  } else if (mode === "readme" || mode === "readme-var") {
    const useVar = mode === "readme-var";
    (async () => {
      while ((await peer.wait()) === OK) {
        while (peer.getAvailablePacketCount() > 0) {
          if (useVar) {
            meter.seq = peer.getVar();
          } else {
            meter.seq = peer.getPacket().readUInt32LE(0);
          }
          // Under a flood this loop may never yield to the event loop: keep time here.
          if ((++meter.count & 4095) === 0) meter.tick();
        }
        meter.calls++;
      }
    })();
  } else if (mode === "drain") {
    (async () => {
      while (!closed) {
        await peer.wait({ timeout: 200 });
        // Godot's loop never ends while packets keep coming: bound it per wake-up like a game
        // frame would, so timers and the window still run.
        for (let budget = BUDGET; budget > 0 && peer.getAvailablePacketCount() > 0; budget--) {
          const data = peer.getPacket();
          meter.count++;
          meter.seq = data.readUInt32LE(0);
        }
        meter.calls++;
        meter.tick();
      }
    })();
  } else if (mode === "batch") {
    (async () => {
      while (!closed) {
        await peer.wait({ timeout: 200 });
        for (let budget = BUDGET; budget > 0; ) {
          const packets = peer.getPackets();
          if (packets.length === 0) break;
          for (const p of packets) meter.seq = p.data.readUInt32LE(0);
          meter.count += packets.length;
          budget -= packets.length;
          meter.calls++;
        }
        meter.tick();
      }
    })();
  } else if (mode === "drain-n") {
    (async () => {
      while (!closed) {
        await peer.wait({ timeout: 200 });
        let budget = BUDGET;
        for (let n = peer.getAvailablePacketCount(); n > 0 && budget > 0; n = peer.getAvailablePacketCount()) {
          for (let i = 0; i < n; i++) {
            const data = peer.getPacket();
            meter.count++;
            meter.seq = data.readUInt32LE(0);
          }
          budget -= n;
        }
        meter.calls++;
        meter.tick();
      }
    })();
  } else {
    throw new Error(`unknown --mode ${mode}`);
  }
}

// Datagrams the OS drops because the socket's receive buffer is full are counted per socket in
// `osDropped` (Linux: the socket's count, read with SO_MEMINFO when the stats are read; 0
// elsewhere). Loopback only, one plain send per datagram (no GSO), so every datagram is its own
// kernel buffer and the kernel's count is a datagram count.
//
// Loopback delivers within the send call, but should a flood datagram still be in flight, the
// tests send a marker after the flood and read up to it (each marker counted), so the equality is
// checked when settled.
import test, { type ExecutionContext } from "ava";
import { GodotError } from "../src-ts/errors.js";
import { native, type NativePeer, type NativeStats } from "../src-ts/native.js";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { DEADLINE_MS, boundPeer, payload } from "./packet-peer-helpers.js";
import { QEMU_NO_OS_DROP_COUNT, unlessQemu } from "./emulation.js";

const isLinux = process.platform === "linux";
const FLOOD = 2000;
/** SO_RCVBUF asked for (Linux doubles it): a few small datagrams fit, the flood does not. */
const SMALL_OS_BUFFER = 4096;
const MARKER = Buffer.from("os-drops-marker");

const accounted = (s: NativeStats): number => s.packetsReceived + s.packetsDropped + s.osDropped;

/** A plain sender aimed at `port` on 127.0.0.1 (one sendto per putPacket). */
function senderTo(t: ExecutionContext, port: number): PacketPeerUDP {
  const { peer } = boundPeer(t);
  t.is(peer.setDestAddress("127.0.0.1", port), GodotError.OK);
  return peer;
}

function flood(sender: PacketPeerUDP): void {
  for (let i = 0; i < FLOOD; i++) {
    if (sender.putPacket(payload(i, 8)) !== GodotError.OK) throw new Error(`send ${i} failed`);
  }
}

/**
 * Sends markers until `drain()` (one drain: whether it read the marker) has read one and `stats()`
 * accounts for all `sent` datagrams, polling with a deadline. Returns the stats and the total sent.
 */
async function settle(
  sender: PacketPeerUDP,
  sent: number,
  drain: () => boolean,
  stats: () => NativeStats,
): Promise<{ stats: NativeStats; sent: number }> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    sendMarker(sender);
    sent++;
    while (!drain()) {
      if (Date.now() > end) throw new Error(`marker not read within ${DEADLINE_MS} ms: ${JSON.stringify(stats())}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const s = stats();
    if (accounted(s) >= sent || Date.now() > end) return { stats: s, sent };
  }
}

function sendMarker(sender: PacketPeerUDP): void {
  if (sender.putPacket(MARKER) !== GodotError.OK) throw new Error("marker send failed");
}

/** Reads every packet queued in a native peer; true if one was the marker. */
function readNative(peer: NativePeer): boolean {
  let marker = false;
  while (peer.getAvailablePacketCount() > 0) marker = peer.getPacket()?.equals(MARKER) === true || marker;
  return marker;
}

unlessQemu(QEMU_NO_OS_DROP_COUNT, test)("native peer stats: osDropped counts the flood the OS buffer had no room for, exactly", async (t) => {
  const peer: NativePeer = new native.NativePeer();
  t.teardown(() => peer.close());
  // A queue large enough for the whole flood: every refusal is the OS's.
  t.is(peer.bind(0, "127.0.0.1", 1 << 20, false, SMALL_OS_BUFFER), GodotError.OK);
  t.is(peer.stats().osDropped, 0, "a fresh socket dropped nothing");
  const sender = senderTo(t, peer.getLocalPort());
  flood(sender); // nothing read meanwhile
  readNative(peer);
  const { stats, sent } = await settle(sender, FLOOD, () => readNative(peer), () => peer.stats());
  if (!isLinux) {
    t.is(stats.osDropped, 0, "not reported outside Linux");
    return;
  }
  t.true(stats.osDropped > 0, JSON.stringify(stats));
  t.is(stats.packetsDropped, 0);
  t.is(accounted(stats), sent, `received + dropped + osDropped = sent: ${JSON.stringify(stats)}`);
  peer.close();
  t.deepEqual(peer.stats(), stats, "cumulative, kept by close()");
});

unlessQemu(QEMU_NO_OS_DROP_COUNT, test)("UDPServer.stats() has osDropped for the shared socket; a taken peer's own stats do not", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1", { osRecvBufSize: SMALL_OS_BUFFER }), GodotError.OK);
  t.is(server.stats().osDropped, 0);
  const sender = senderTo(t, server.getLocalPort());
  flood(sender);
  t.is(server.poll(), GodotError.OK);
  const peer = server.takeConnection();
  if (peer === null) throw new Error("the flood's sender is not pending");
  t.teardown(() => peer.close());
  const readPeer = (): boolean => {
    server.poll();
    let marker = false;
    while (peer.getAvailablePacketCount() > 0) marker = Buffer.from(peer.getPacket()).equals(MARKER) || marker;
    return marker;
  };
  const { stats, sent } = await settle(sender, FLOOD, readPeer, () => server.stats());
  if (!isLinux) {
    t.is(stats.osDropped, 0, "not reported outside Linux");
    return;
  }
  t.true(stats.osDropped > 0, JSON.stringify(stats));
  t.is(accounted(stats), sent, `received + dropped + osDropped = sent: ${JSON.stringify(stats)}`);
  t.is(peer.stats().packetsReceived, stats.packetsReceived, "one sender: everything was routed to it");
  const own = peer.stats() as { osDropped?: number };
  t.not(own.osDropped ?? 0, stats.osDropped, "the server's socket drops are not the peer's");
  t.is(own.osDropped ?? 0, 0);
});

test("a socket that never overflowed reports 0", async (t) => {
  const { peer } = boundPeer(t);
  const sender = senderTo(t, peer.getLocalPort());
  for (let i = 0; i < 10; i++) t.is(sender.putPacket(payload(i, 8)), GodotError.OK);
  const end = Date.now() + DEADLINE_MS;
  while (peer.getAvailablePacketCount() < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
  t.is(peer.getAvailablePacketCount(), 10);
  t.is((peer.stats() as { osDropped?: number }).osDropped ?? 0, 0);
});

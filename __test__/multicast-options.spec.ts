// Issue 4, multicast extensions through the facade: the setters' codes for unbound peers, server
// peers, bad values and each socket family (loopback interface only; nothing is sent here; the
// kernel-side effect is read back with getsockopt in crates/engine/tests/multicast_options.rs).
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { boundPeer, loopbackInterfaceName, newPeer, until } from "./packet-peer-helpers.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { QEMU_NO_MULTICAST_IF, unlessQemu } from "./emulation.js";

test("multicast setters: ERR_UNCONFIGURED unbound (no socket opened), ERR_LOCKED on a server peer", async (t) => {
  const lo = loopbackInterfaceName() ?? "lo";
  const unbound = newPeer(t);
  t.is(unbound.setMulticastInterface(lo), GodotError.ERR_UNCONFIGURED);
  t.is(unbound.setMulticastLoopback(true), GodotError.ERR_UNCONFIGURED);
  t.is(unbound.setMulticastTtl(1), GodotError.ERR_UNCONFIGURED);
  t.false(unbound.isBound());

  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  const { peer: client } = boundPeer(t);
  t.is(client.connectToHost("127.0.0.1", server.getLocalPort()), GodotError.OK);
  t.is(client.putPacket(Buffer.from("hi")), GodotError.OK);
  await until(() => (server.poll(), server.isConnectionAvailable()), "a pending peer");
  const peer = server.takeConnection();
  t.not(peer, null);
  t.teardown(() => peer?.close());
  t.is(peer?.setMulticastInterface(lo), GodotError.ERR_LOCKED);
  t.is(peer?.setMulticastLoopback(true), GodotError.ERR_LOCKED);
  t.is(peer?.setMulticastTtl(1), GodotError.ERR_LOCKED);
});

for (const address of ["127.0.0.1", "::1", "*"]) {
  unlessQemu(QEMU_NO_MULTICAST_IF, test)(`multicast setters on a ${address} socket: lo, loopback on/off, TTL 0..255; others refused`, (t) => {
    const lo = loopbackInterfaceName();
    if (lo === null) {
      t.log("skipped: os.networkInterfaces() lists no internal interface");
      t.pass();
      return;
    }
    const { peer } = boundPeer(t, address);
    t.is(peer.setMulticastInterface(lo), GodotError.OK);
    t.is(peer.setMulticastInterface("no-such-if0"), GodotError.ERR_INVALID_PARAMETER);
    t.is(peer.setMulticastLoopback(false), GodotError.OK);
    t.is(peer.setMulticastLoopback(true), GodotError.OK);
    t.is(peer.setMulticastTtl(0), GodotError.OK);
    t.is(peer.setMulticastTtl(255), GodotError.OK);
    t.is(peer.setMulticastTtl(256), GodotError.ERR_INVALID_PARAMETER);
    t.is(peer.setMulticastTtl(-1), GodotError.ERR_INVALID_PARAMETER);
    t.throws(() => peer.setMulticastTtl(1.5), { instanceOf: TypeError });
  });
}

// When the engine closes a socket by itself (a failed connectToHost closes it, as Godot does: Q6),
// the Node layer ends exactly as after close(): 'close' is emitted, for await loops end, pending
// wait()s settle with ERR_UNCONFIGURED, and listeners stay attached for a re-bind.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { boundPeer, newPeer, until, withDeadline } from "./packet-peer-helpers.js";

// An IPv4 socket cannot connect to an IPv6 host: the connect fails and Godot closes the socket.
const V6_HOST = "::1";

test("a failed connectToHost that closes the socket emits 'close', ends for await and settles waits, as close() does", async (t) => {
  const { peer } = boundPeer(t, "127.0.0.1");
  let closes = 0;
  peer.on("close", () => closes++);
  const loop = (async () => {
    let count = 0;
    for await (const _ of peer) count++;
    return count;
  })();
  const waits = [peer.wait(), peer.wait({ timeout: 60000 })];

  t.is(peer.connectToHost(V6_HOST, 9), GodotError.FAILED);
  t.false(peer.isBound(), "the socket is closed (Q6)");
  t.is(closes, 1, "'close' is emitted by the call, as by close()");
  t.is(await withDeadline(loop, "the for await loop ends"), 0);
  t.deepEqual(await withDeadline(Promise.all(waits), "the waits settle"), [
    GodotError.ERR_UNCONFIGURED,
    GodotError.ERR_UNCONFIGURED,
  ]);
  t.is(await peer.wait(), GodotError.ERR_UNCONFIGURED);
  peer.close();
  t.is(closes, 1, "closing the closed peer emits nothing more");
});

test("after a failed connectToHost closed the socket, 'packet' listeners stay attached and resume after a re-bind", async (t) => {
  const { peer } = boundPeer(t, "127.0.0.1");
  const got: string[] = [];
  peer.on("packet", (data) => got.push(data.toString()));
  let closes = 0;
  peer.on("close", () => closes++);

  t.is(peer.connectToHost(V6_HOST, 9), GodotError.FAILED);
  t.is(closes, 1);
  t.false(peer.isSocketConnected());
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  const sender = newPeer(t);
  t.is(sender.setDestAddress("127.0.0.1", peer.getLocalPort()), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("after re-bind")), GodotError.OK);
  await until(() => got.length === 1, "the event after the re-bind");
  t.deepEqual(got, ["after re-bind"]);
});

test("a connectToHost that fails on a peer with no socket open emits no 'close' (nothing open was closed)", (t) => {
  const peer = newPeer(t);
  let closes = 0;
  peer.on("close", () => closes++);
  // Bad arguments fail before any socket is opened.
  t.is(peer.connectToHost("not an address", 9), GodotError.ERR_INVALID_PARAMETER);
  t.is(peer.connectToHost("127.0.0.1", 0), GodotError.ERR_INVALID_PARAMETER);
  t.false(peer.isBound());
  t.is(closes, 0);
});

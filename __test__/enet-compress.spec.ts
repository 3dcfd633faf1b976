// ENetConnection.compress(mode): each of Godot's modes on both ends carries connections, small and
// fragmented messages intact (and fewer bytes for compressible data); a mismatch never connects
// and is counted.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection, type ENetCompressionMode } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { bound, host, of, pump } from "./enet-helpers.js";

const MODES: Array<[string, ENetCompressionMode]> = [
  ["COMPRESS_NONE", ENetConnection.COMPRESS_NONE],
  ["COMPRESS_RANGE_CODER", ENetConnection.COMPRESS_RANGE_CODER],
  ["COMPRESS_FASTLZ", ENetConnection.COMPRESS_FASTLZ],
  ["COMPRESS_ZLIB", ENetConnection.COMPRESS_ZLIB],
  ["COMPRESS_ZSTD", ENetConnection.COMPRESS_ZSTD],
];

const TEXT = Buffer.from("the quick brown fox jumps over the lazy dog; ".repeat(20)); // 900 bytes

for (const [name, mode] of MODES) {
  test(`${name} on both ends: connect, 50 messages and a 100 KiB one intact`, async (t) => {
    const server = bound(t);
    const client = host(t);
    t.is(client.createHost(), GodotError.OK);
    server.compress(mode);
    client.compress(mode);
    const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 2, 11)!;
    const seen = await pump(
      [server, client],
      (s) => of(s, client, ENetConnection.EVENT_CONNECT).length === 1 && of(s, server, ENetConnection.EVENT_CONNECT).length === 1,
    );
    const toClient = of(seen, server, ENetConnection.EVENT_CONNECT)[0]![1]!;
    t.is(of(seen, server, ENetConnection.EVENT_CONNECT)[0]![2], 11);
    client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
    const big = Buffer.alloc(100 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    for (let i = 0; i < 50; i++) toServer.send(i % 2, TEXT, ENetPacketPeer.FLAG_RELIABLE);
    toServer.send(1, big, ENetPacketPeer.FLAG_RELIABLE);
    const got: Buffer[] = [];
    await pump([server, client], () => got.length === 51, 10000, ({ from, event }) => {
      if (from === server && event[0] === ENetConnection.EVENT_RECEIVE) got.push(toClient.getPacket());
    });
    t.true(got.slice(0, 50).every((p) => p.equals(TEXT)));
    t.true(got[50]!.equals(big));
    const sent = client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
    const payload = 50 * TEXT.length + big.length;
    if (mode === ENetConnection.COMPRESS_NONE) t.true(sent > payload, `${sent} bytes sent for ${payload}`);
    else t.true(sent < payload, `${sent} bytes sent for ${payload}`);
    t.is(server.stats().rejected, 0);
  });
}

test("a compression mismatch never connects, and the refused datagrams are counted", async (t) => {
  const server = bound(t);
  const client = host(t);
  client.createHost();
  server.compress(ENetConnection.COMPRESS_ZLIB);
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort())!;
  const deadline = Date.now() + 600;
  await pump([server, client], () => Date.now() > deadline || client.stats().rejected > 2, 3000);
  t.true(client.stats().rejected > 0, "the compressed VERIFY_CONNECT is refused");
  t.not(toServer.getState(), ENetPacketPeer.STATE_CONNECTED);
  client.compress(99 as ENetCompressionMode); // not a mode: nothing changes
});

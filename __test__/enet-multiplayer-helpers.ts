// Shared by the ENetMultiplayerPeer specs: peers and raw ENet hosts on 127.0.0.1 closed after each
// test, and Godot-style driving (every node polled in turn, yielding to the event loop between
// rounds) until a condition holds or a deadline passes.
import type { ExecutionContext } from "ava";
import { setImmediate as turn } from "node:timers/promises";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection } from "../src-ts/enet/enet-connection.js";
import type { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { ENetMultiplayerPeer } from "../src-ts/enet/enet-multiplayer-peer.js";
import { SceneMultiplayer } from "../src-ts/multiplayer/scene-multiplayer.js";

/** Something polled once per round: a SceneMultiplayer, an ENetMultiplayerPeer, or a raw client. */
export interface Pollable {
  poll(): unknown;
}

/** Polls every node until `done()` is true; throws after `timeoutMs`. */
export async function until(nodes: Pollable[], done: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const node of nodes) node.poll();
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms: ${what}`);
    await turn();
  }
}

/** Polls every node for `ms` (to show that something does not happen). */
export async function pollFor(nodes: Pollable[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const node of nodes) node.poll();
    await turn();
  }
}

/** An ENetMultiplayerPeer closed when the test ends. */
export function mpPeer(t: ExecutionContext): ENetMultiplayerPeer {
  const peer = new ENetMultiplayerPeer();
  t.teardown(() => peer.close());
  return peer;
}

/** An ENetMultiplayerPeer server on 127.0.0.1 (a port the OS picks) and its port. */
export function server(t: ExecutionContext, maxClients = 32, maxChannels = 0): { peer: ENetMultiplayerPeer; port: number } {
  const peer = mpPeer(t);
  peer.setBindIp("127.0.0.1");
  const code = peer.createServer(0, maxClients, maxChannels);
  if (code !== GodotError.OK) throw new Error(`createServer = ${code}`);
  return { peer, port: peer.getHost()!.getLocalPort() };
}

/** A SceneMultiplayer on `peer`. */
export function scene(peer: ENetMultiplayerPeer): SceneMultiplayer {
  const node = new SceneMultiplayer();
  node.setMultiplayerPeer(peer);
  return node;
}

/** Every `peerPacket` a SceneMultiplayer emits, as [sender, bytes]. */
export function packets(node: SceneMultiplayer): Array<[number, number[]]> {
  const got: Array<[number, number[]]> = [];
  node.on("peerPacket", (id, packet) => got.push([id, [...packet]]));
  return got;
}

/** A received ENet packet as a raw client sees it. */
export interface RawPacket {
  channel: number;
  flags: number;
  bytes: number[];
}

/**
 * Godot's client side played by hand: a plain ENetConnection that connects with `id` as the
 * CONNECT data and 0 channels (ENet's maximum), as `ENetMultiplayerPeer.create_client` does.
 */
export class RawClient implements Pollable {
  readonly host = new ENetConnection();
  readonly peer: ENetPacketPeer;
  readonly received: RawPacket[] = [];
  connected = false;
  disconnected = false;
  disconnectData = -1;

  constructor(t: ExecutionContext, port: number, readonly id: number) {
    t.teardown(() => this.host.destroy());
    const code = this.host.createHostBound("127.0.0.1", 0, 1, 0);
    if (code !== GodotError.OK) throw new Error(`createHostBound = ${code}`);
    const peer = this.host.connectToHost("127.0.0.1", port, 0, id >>> 0);
    if (peer === null) throw new Error("connectToHost failed");
    this.peer = peer;
  }

  poll(): void {
    for (let i = 0; i < 10000; i++) {
      const [type, peer, data, channel] = this.host.service();
      if (type === ENetConnection.EVENT_NONE || type === ENetConnection.EVENT_ERROR) return;
      if (type === ENetConnection.EVENT_CONNECT) this.connected = true;
      else if (type === ENetConnection.EVENT_DISCONNECT) {
        this.disconnected = true;
        this.disconnectData = data;
      } else if (type === ENetConnection.EVENT_RECEIVE) {
        const flags = peer!.getPacketFlags();
        this.received.push({ channel, flags, bytes: [...peer!.getPacket()] });
      }
    }
  }

  send(channel: number, bytes: number[], flags: number): void {
    const code = this.peer.send(channel, Buffer.from(bytes), flags);
    if (code !== GodotError.OK) throw new Error(`send = ${code}`);
    this.host.flush();
  }
}

/** Little-endian i32 bytes. */
export function i32(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return [...b];
}

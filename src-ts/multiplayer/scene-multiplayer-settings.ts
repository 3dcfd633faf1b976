/**
 * SceneMultiplayer's stored settings (Godot's `server_relay`, `auth_callback`, `auth_timeout`,
 * `allow_object_decoding`) with their accessors and Godot's setters/getters, the queries that
 * only read the MultiplayerPeer, and the event types. SceneMultiplayer extends it; the settings
 * take effect there, in `poll()` and the sends.
 */
import { EventEmitter } from "node:events";
import { checkBoolean } from "../validate.js";
import { TARGET_PEER_SERVER, type MultiplayerPeer, type MultiplayerPeerEvents } from "./multiplayer-peer.js";

/** Godot's `MultiplayerAPI` and `SceneMultiplayer` signals, as events. */
export interface SceneMultiplayerEvents {
  /** A peer is admitted (after auth, when there is auth); on a client also relayed peers. */
  peerConnected: [id: number];
  /** An admitted peer left. */
  peerDisconnected: [id: number];
  /** `send_bytes` data from a peer (direct or relayed through the server). */
  peerPacket: [id: number, packet: Buffer];
  /** The transport connected a peer and an `authCallback` is set: the exchange starts. */
  peerAuthenticating: [id: number];
  /** A peer left, or timed out, before its auth completed. */
  peerAuthenticationFailed: [id: number];
  /** A client: the server (id 1) is admitted. */
  connectedToServer: [];
  /** A client: the transport went from connecting to disconnected. */
  connectionFailed: [];
  /** The transport went from connected to disconnected. */
  serverDisconnected: [];
}

/** Godot's `auth_callback`: called with each non-empty AUTH payload from an authenticating peer. */
export type AuthCallback = (id: number, data: Buffer) => void;

/**
 * Any transport, whatever extra events it declares: the wide key set keeps a transport's own
 * event names assignable.
 */
export type AnyMultiplayerPeer = MultiplayerPeer<MultiplayerPeerEvents & Record<string, unknown[]>>;

const DEFAULT_AUTH_TIMEOUT_MS = 3000;

export abstract class SceneMultiplayerSettings extends EventEmitter<SceneMultiplayerEvents> {
  #authCallback: AuthCallback | null = null;
  #authTimeoutMs = DEFAULT_AUTH_TIMEOUT_MS;
  #allowObjectDecoding = false;
  #serverRelay = true;

  /** Godot `get_multiplayer_peer`. */
  abstract getMultiplayerPeer(): AnyMultiplayerPeer | null;

  /** Godot `get_unique_id` (0 without a peer). */
  getUniqueId(): number {
    return this.getMultiplayerPeer()?.getUniqueId() ?? 0;
  }

  /** Godot `is_server`: the unique id is 1. */
  isServer(): boolean {
    return this.getUniqueId() === TARGET_PEER_SERVER;
  }

  /** Godot's `refuse_new_connections`, forwarded to the MultiplayerPeer (false without one). */
  get refuseNewConnections(): boolean {
    return this.isRefusingNewConnections();
  }

  set refuseNewConnections(refuse: boolean) {
    this.setRefuseNewConnections(refuse);
  }

  /** Godot `set_refuse_new_connections` (ignored without a peer, as Godot does). */
  setRefuseNewConnections(refuse: boolean): void {
    checkBoolean(refuse, "refuse");
    this.getMultiplayerPeer()?.setRefuseNewConnections(refuse);
  }

  /** Godot `is_refusing_new_connections`. */
  isRefusingNewConnections(): boolean {
    return this.getMultiplayerPeer()?.isRefusingNewConnections() ?? false;
  }


  /** Godot's `auth_callback` (`null`: no auth, peers are admitted at once). */
  get authCallback(): AuthCallback | null {
    return this.#authCallback;
  }

  set authCallback(callback: AuthCallback | null) {
    this.setAuthCallback(callback);
  }

  /** Godot `set_auth_callback`. Not a function or `null`: `TypeError`. */
  setAuthCallback(callback: AuthCallback | null): void {
    if (callback !== null && typeof callback !== "function") {
      throw new TypeError("authCallback must be a function or null");
    }
    this.#authCallback = callback;
  }

  /** Godot `get_auth_callback`. */
  getAuthCallback(): AuthCallback | null {
    return this.#authCallback;
  }

  /** Godot's `auth_timeout` in seconds (default 3; 0: never). */
  get authTimeout(): number {
    return this.getAuthTimeout();
  }

  set authTimeout(seconds: number) {
    this.setAuthTimeout(seconds);
  }

  /**
   * Godot `set_auth_timeout`: kept in whole milliseconds as Godot keeps it. Negative: ignored
   * (Godot prints an error). Not a number, or NaN: `TypeError`.
   */
  setAuthTimeout(seconds: number): void {
    if (typeof seconds !== "number" || Number.isNaN(seconds)) {
      throw new TypeError("authTimeout must be a number of seconds");
    }
    if (seconds < 0) return;
    this.#authTimeoutMs = Math.trunc(seconds * 1000);
  }

  /** Godot `get_auth_timeout`. */
  getAuthTimeout(): number {
    return this.#authTimeoutMs / 1000;
  }

  /** The auth timeout in whole milliseconds (0: never). */
  protected get authTimeoutMs(): number {
    return this.#authTimeoutMs;
  }

  /** Godot's `server_relay` property (default true). */
  get serverRelay(): boolean {
    return this.#serverRelay;
  }

  set serverRelay(enabled: boolean) {
    this.setServerRelayEnabled(enabled);
  }

  /** Godot `set_server_relay_enabled`. */
  setServerRelayEnabled(enabled: boolean): void {
    checkBoolean(enabled, "enabled");
    this.#serverRelay = enabled;
  }

  /** Godot `is_server_relay_enabled`. */
  isServerRelayEnabled(): boolean {
    return this.#serverRelay;
  }

  /**
   * Godot's `allow_object_decoding`. Stored only: it matters to RPC arguments, which are not
   * decoded yet.
   */
  get allowObjectDecoding(): boolean {
    return this.#allowObjectDecoding;
  }

  set allowObjectDecoding(enable: boolean) {
    this.setAllowObjectDecoding(enable);
  }

  /** Godot `set_allow_object_decoding`. */
  setAllowObjectDecoding(enable: boolean): void {
    checkBoolean(enable, "enable");
    this.#allowObjectDecoding = enable;
  }

  /** Godot `is_object_decoding_allowed`. */
  isObjectDecodingAllowed(): boolean {
    return this.#allowObjectDecoding;
  }
}

/**
 * Godot's `DTLSServer`: turns the connections a `UDPServer` hands out into DTLS sessions.
 *
 * ```js
 * const server = new UDPServer(); server.listen(4242);
 * const dtls = new DTLSServer(); dtls.setup(TLSOptions.server(key, cert));
 * server.on("connection", (udpPeer) => {
 *   const peer = dtls.takeConnection(udpPeer);
 *   if (peer.getStatus() !== PacketPeerDTLS.STATUS_HANDSHAKING) return; // the cookie exchange
 *   peer.on("packet", (data) => peer.putPacket(data));
 * });
 * ```
 *
 * Every client's first ClientHello is answered with a stateless HelloVerifyRequest cookie and that
 * attempt ends (`STATUS_ERROR`, its UDP peer closed), as in Godot: "it is normal that 50% of the
 * connections fail". The client repeats its hello with the cookie, which arrives as a new
 * connection and starts the handshake. A spoofed source never gets past the cookie.
 */
import { GodotError } from "../errors.js";
import { native, type NativeDtlsServer } from "../native.js";
import { PacketPeerUDP } from "../packet-peer-udp.js";
import { checkInteger } from "../validate.js";
import { nativeCryptoKey } from "./crypto-key.js";
import { acceptSession, PacketPeerDTLS } from "./packet-peer-dtls.js";
import { TLSOptions } from "./tls-options.js";
import { nativeCertificate } from "./x509-certificate.js";

/** A DTLSServer's counters. */
export interface DTLSServerStats {
  /** `takeConnection` calls. */
  connectionsTaken: number;
  /** HelloVerifyRequests sent (first ClientHellos without a valid cookie). */
  cookiesSent: number;
  /** Connections whose first datagram was not a ClientHello: refused at once. */
  notClientHello: number;
  /** ClientHellos with a valid cookie: handshakes the server worked on. */
  handshakesStarted: number;
  handshakesCompleted: number;
  /** Failed handshakes (a bad cookie, an alert, a protocol error). */
  handshakesFailed: number;
  /** Handshakes given up because the client stopped answering (`handshakeTimeout`). */
  handshakesTimedOut: number;
}

export class DTLSServer {
  readonly #native: NativeDtlsServer = new native.NativeDtlsServer();
  #setUp = false;
  #handshakeTimeoutMs = 60_000;

  /**
   * Godot `setup`: the key and certificate to serve with (`TLSOptions.server`), and a new cookie
   * secret. Client options, or a key that does not match the certificate:
   * `ERR_INVALID_PARAMETER`.
   */
  setup(serverOptions: TLSOptions): GodotError {
    if (!(serverOptions instanceof TLSOptions)) {
      throw new TypeError("serverOptions must be a TLSOptions (TLSOptions.server(key, certificate))");
    }
    const key = serverOptions.getPrivateKey();
    const certificate = serverOptions.getOwnCertificate();
    if (!serverOptions.isServer() || key === null || certificate === null) {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    const code = this.#native.setup(nativeCryptoKey(key), nativeCertificate(certificate)) as GodotError;
    this.#setUp = code === GodotError.OK;
    return code;
  }

  /**
   * Godot `take_connection`: a session answering the ClientHello `udpPeer` (a connection from a
   * UDPServer) holds. Check its status: `STATUS_HANDSHAKING` when the handshake started,
   * `STATUS_ERROR` for the cookie exchange (or a first datagram that was not a ClientHello); the
   * session then closed `udpPeer`. `null` before `setup` (Godot prints an error).
   */
  takeConnection(udpPeer: PacketPeerUDP): PacketPeerDTLS | null {
    if (!(udpPeer instanceof PacketPeerUDP)) throw new TypeError("udpPeer must be a PacketPeerUDP");
    if (!this.#setUp) return null;
    const session = new PacketPeerDTLS();
    acceptSession(session, this.#native, udpPeer, this.#handshakeTimeoutMs);
    return session;
  }

  /**
   * Extension: milliseconds a taken session's handshake may take before it ends in
   * `STATUS_ERROR` (default 60000). A client that stops mid-handshake costs the server no more.
   */
  get handshakeTimeout(): number {
    return this.#handshakeTimeoutMs;
  }

  set handshakeTimeout(ms: number) {
    checkInteger(ms, "handshakeTimeout");
    if (ms < 1) throw new RangeError(`handshakeTimeout must be at least 1 ms, got ${ms}`);
    this.#handshakeTimeoutMs = ms;
  }

  stats(): DTLSServerStats {
    return { ...this.#native.stats() };
  }
}

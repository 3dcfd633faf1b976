export { Crypto } from "./crypto.js";
export { CryptoKey } from "./crypto-key.js";
export { X509Certificate } from "./x509-certificate.js";
export { TLSOptions } from "./tls-options.js";
export {
  PacketPeerDTLS,
  DTLSStatus,
  type PacketPeerDTLSEvents,
  type PacketPeerDTLSStats,
} from "./packet-peer-dtls.js";
export { DTLSServer, type DTLSServerStats } from "./dtls-server.js";

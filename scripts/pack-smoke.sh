#!/usr/bin/env bash
# Packaging check: `npm pack` the package and the linux-x64-gnu platform package, install both into
# an empty directory with no Rust toolchain on PATH, and send + receive a packet there from both
# CommonJS and ESM, and run a DTLS echo (examples/dtls-echo.mjs) and the ENet server's self-test
# (examples/enet-server.mjs) there. Also checks that the addon
# does not load OpenSSL dynamically (its vendored OpenSSL is linked in). Needs a prior
# `npm run build` (native addon and dist/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

addon="$root/native/godot-udp.linux-x64-gnu.node"
[ -f "$addon" ] || { echo "pack-smoke: $addon missing: run npm run build first" >&2; exit 1; }
[ -f "$root/dist/index.js" ] || { echo "pack-smoke: dist/ missing: run npm run build first" >&2; exit 1; }
# The addon carries the DTLS crate's OpenSSL, linked statically: installed where no libssl or
# libcrypto of the right version exists, it must still load, so it must not ask for one.
if readelf -d "$addon" | grep NEEDED | grep -qiE 'libssl|libcrypto'; then
  echo "pack-smoke: $addon loads OpenSSL dynamically:" >&2
  readelf -d "$addon" | grep NEEDED >&2
  exit 1
fi
echo "pack-smoke: addon $(du -k "$addon" | cut -f1) KiB, no dynamic OpenSSL"

# The platform package carries the addon, as napi-rs publishes it.
mkdir -p "$work/platform"
cp "$root/npm/linux-x64-gnu/package.json" "$root/npm/linux-x64-gnu/README.md" "$work/platform/"
cp "$addon" "$work/platform/"
(cd "$work/platform" && npm pack --silent --pack-destination "$work" >/dev/null)
# The main package, as built (scripts off: dist/ and native/binding.cjs are already there).
(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work" >/dev/null)
ls -1 "$work"/*.tgz

# Does the main tarball ship the addon itself? It must not: the platform package does.
if tar -tzf "$work"/godot-udp-0*.tgz | grep -q '\.node$'; then
  echo "pack-smoke: the main package contains a .node file" >&2; exit 1
fi

app="$work/app"
mkdir -p "$app"
node_dir="$(dirname "$(command -v node)")"
clean_path="$node_dir:/usr/bin:/bin"
cd "$app"
echo '{ "name": "app", "version": "1.0.0", "private": true }' > package.json
env PATH="$clean_path" npm install --silent --no-audit --no-fund "$work"/godot-udp-0*.tgz "$work"/godot-udp-linux-x64-gnu-*.tgz
if env PATH="$clean_path" sh -c 'command -v cargo || command -v rustc' >/dev/null; then
  echo "pack-smoke: a Rust toolchain is still on PATH" >&2; exit 1
fi

cat > roundtrip.cjs <<'JS'
const { PacketPeerUDP, GodotError } = require("godot-udp");
const rx = new PacketPeerUDP();
const tx = new PacketPeerUDP();
if (rx.bind(0, "127.0.0.1") !== GodotError.OK) throw new Error("bind failed");
tx.setDestAddress("127.0.0.1", rx.getLocalPort());
tx.putPacket(Buffer.from("hello from cjs"));
const deadline = Date.now() + 5000;
while (rx.getAvailablePacketCount() < 1) { if (Date.now() > deadline) throw new Error("no packet"); }
const got = rx.getPacket().toString();
rx.close(); tx.close();
if (got !== "hello from cjs") throw new Error("got " + got);
console.log("cjs: received", JSON.stringify(got), "from", rx.getPacketIp());
JS
cat > roundtrip.mjs <<'JS'
import { PacketPeerUDP, GodotError } from "godot-udp";
const rx = new PacketPeerUDP();
const tx = new PacketPeerUDP();
if (rx.bind(0, "::1") !== GodotError.OK) throw new Error("bind failed");
tx.setDestAddress("::1", rx.getLocalPort());
tx.putVar({ hello: "from esm" });
if ((await rx.wait({ timeout: 5000 })) !== GodotError.OK) throw new Error("wait failed");
const value = rx.getVar();
rx.close(); tx.close();
console.log("esm: received", JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value), "from", rx.getPacketIp());
JS
env PATH="$clean_path" node roundtrip.cjs
env PATH="$clean_path" node roundtrip.mjs
# DTLS through the installed addon's own OpenSSL: the repository's DTLS echo example (a DTLSServer
# and a PacketPeerDTLS client on 127.0.0.1), run from the app against the installed package.
cp "$root/examples/dtls-echo.mjs" dtls-echo.mjs
dtls_out="$(env PATH="$clean_path" timeout 60 node dtls-echo.mjs 2>&1)" || {
  echo "$dtls_out" >&2
  echo "pack-smoke: the DTLS echo failed" >&2
  exit 1
}
while IFS= read -r line; do echo "dtls: $line"; done <<<"$dtls_out"
grep -q '^client got' <<<"$dtls_out" || { echo "pack-smoke: the DTLS echo got no answer" >&2; exit 1; }
# ENet through the installed addon: the ENet server example with its two in-process clients.
cp "$root/examples/enet-server.mjs" enet-server.mjs
enet_out="$(env PATH="$clean_path" timeout 60 node enet-server.mjs --self-test 2>&1)" || {
  echo "$enet_out" >&2
  echo "pack-smoke: the ENet self-test failed" >&2
  exit 1
}
while IFS= read -r line; do echo "enet: $line"; done <<<"$enet_out"
grep -q 'hi, via the server' <<<"$enet_out" || { echo "pack-smoke: the ENet relay got nothing" >&2; exit 1; }
echo "pack-smoke: OK (installed from tarballs with no Rust toolchain on PATH)"

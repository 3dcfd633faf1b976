// Runs under an emulator or on another OS (scripts/cross-test.sh): tests that need what the
// platform cannot give skip themselves with the reason in their title, and deadlines stretch
// where the emulator is slower. Natively on Linux nothing here changes a test. No runtime import of
// ava: the helpers that import this file are also loaded by the tests' child processes.
import type { TestFn } from "ava";

/** Set by scripts/cross-test.sh to the emulator in use ("qemu-aarch64", "wine"); undefined natively. */
export const emulation: string | undefined = process.env.GODOT_UDP_EMULATION || undefined;

/**
 * How much longer the deadlines of the waiting helpers are under an emulator: qemu-user runs node
 * ~5-10 times slower (a child `node --import tsx` takes ~4 s to start instead of ~0.4 s). 1 natively.
 */
export const slowdown: number = emulation ? 5 : 1;

type Register = TestFn | TestFn["serial"];

/** `register` as it is, or, when `why` is a string, its `.skip` with `[skipped: why]` in the title. */
function skipping<R extends Register>(why: string | undefined, register: R): R {
  if (why === undefined) return register;
  const skip = register.skip as (title: string, ...rest: unknown[]) => void;
  return ((title: string, ...rest: unknown[]) => skip(`${title} [skipped: ${why}]`, ...rest)) as unknown as R;
}

/** `register` (`test` or `test.serial`), skipped with `reason` only under qemu-user (any architecture). */
export function unlessQemu<R extends Register>(reason: string, register: R): R {
  const why = emulation?.startsWith("qemu") ? `under ${emulation}, ${reason}` : undefined;
  return skipping(why, register);
}

/** `register` (`test` or `test.serial`), skipped with `reason` only under wine (Windows emulated on Linux). */
export function unlessWine<R extends Register>(reason: string, register: R): R {
  return skipping(emulation === "wine" ? `under wine, ${reason}` : undefined, register);
}

/** `register` (`test` or `test.serial`), skipped with `reason` on Windows, native or under wine. */
export function unlessWindows<R extends Register>(reason: string, register: R): R {
  return skipping(process.platform === "win32" ? `on Windows, ${reason}` : undefined, register);
}

/** Why a test of ICMP errors on a connected socket cannot pass on Windows. */
export const WINDOWS_NO_ICMP_ERRORS =
  "sockets are opened with SIO_UDP_CONNRESET off, as Godot does, so an ICMP port-unreachable is never reported";

/** The reason qemu-user cannot run a test that sets IP_MULTICAST_IF / IPV6_MULTICAST_IF. */
export const QEMU_NO_MULTICAST_IF =
  "qemu-user does not emulate the IP_MULTICAST_IF/IPV6_MULTICAST_IF socket options (setsockopt fails with ENOPROTOOPT)";

/** The reason qemu-user cannot run a test that reads the OS drop counter. */
export const QEMU_NO_OS_DROP_COUNT =
  "qemu-user does not emulate SO_MEMINFO (getsockopt fails with ENOPROTOOPT), so the OS drop counter stays 0";

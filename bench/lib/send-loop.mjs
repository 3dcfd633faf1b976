// The timing loop shared by every JS sender: calls `burst()` (which sends a few hundred packets
// and returns how many it sent) back to back, yielding to the event loop between bursts with
// setImmediate, for `warmupMs`, then measures packets and process CPU (all threads) over
// `windowMs`. Prints one JSON line; the caller closes its socket in `onDone`.
import { cpuMicros, nowMicros } from "./cpu.mjs";

export function runSendLoop(impl, { warmupMs = 300, windowMs = 1500 } = {}, burst, onDone, extra) {
  const t0 = nowMicros();
  let phase = 1;
  let sent = 0;
  let tWin = 0;
  let cpuWin = 0;
  let sentWin = 0;
  const step = () => {
    sent += burst();
    const t = nowMicros();
    if (phase === 1 && t - t0 >= warmupMs * 1e3) {
      phase = 2;
      tWin = t;
      cpuWin = cpuMicros();
      sentWin = sent;
    } else if (phase === 2 && t - tWin >= windowMs * 1e3) {
      const cpu = cpuMicros() - cpuWin;
      const seconds = (t - tWin) / 1e6;
      const packets = sent - sentWin;
      const result = {
        impl,
        packets,
        totalPackets: sent,
        seconds,
        pps: Math.round(packets / seconds),
        cpuUs: Math.round(cpu),
        cpuUsPerPacket: packets ? cpu / packets : 0,
        ...(extra ? extra() : {}),
      };
      process.stdout.write(JSON.stringify(result) + "\n");
      Promise.resolve(onDone()).finally(() => setImmediate(() => process.exit(0)));
      return;
    }
    setImmediate(step);
  };
  setImmediate(step);
}

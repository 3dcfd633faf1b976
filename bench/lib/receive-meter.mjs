// The measurement window shared by every JS receiver. The receiver's hot path only bumps
// `count` and stores the packet's sequence number (its first 4 bytes, little-endian) in `seq`;
// a 5 ms timer moves through the phases: waiting for the first packet, warm-up, then a fixed
// window over which packets, CPU (process.cpuUsage, all threads) and loss (against the sender's
// sequence numbers) are measured. The result is one JSON line on stdout; then `onDone` closes the
// receiver and the process exits by itself. No packet for `idleMs`: it reports an error and exits.
import { cpuMicros, nowMicros } from "./cpu.mjs";

export class ReceiveMeter {
  constructor(impl, { warmupMs = 500, windowMs = 2000, idleMs = 5000 } = {}) {
    this.impl = impl;
    this.count = 0;
    this.seq = 0;
    this.calls = 0;
    this.warmupMs = warmupMs;
    this.windowMs = windowMs;
    this.idleMs = idleMs;
  }

  start(onDone) {
    let phase = 0;
    let tFirst = 0;
    let tWin = 0;
    let cpuWin = 0;
    let countWin = 0;
    let seqWin = 0;
    let callsWin = 0;
    let lastCount = 0;
    let lastRx = nowMicros();
    const finish = (result) => {
      clearInterval(timer);
      process.stdout.write(JSON.stringify(result) + "\n");
      Promise.resolve(onDone()).finally(() => setImmediate(() => process.exit(result.error ? 1 : 0)));
    };
    const timer = setInterval(() => {
      const t = nowMicros();
      if (this.count !== lastCount) {
        lastCount = this.count;
        lastRx = t;
      } else if (t - lastRx > this.idleMs * 1e3) {
        finish({ impl: this.impl, error: "idle", phase, packets: this.count });
        return;
      }
      if (phase === 0 && this.count > 0) {
        phase = 1;
        tFirst = t;
      }
      if (phase === 1 && t - tFirst >= this.warmupMs * 1e3) {
        phase = 2;
        tWin = t;
        cpuWin = cpuMicros();
        countWin = this.count;
        seqWin = this.seq;
        callsWin = this.calls;
      } else if (phase === 2 && t - tWin >= this.windowMs * 1e3) {
        const cpu = cpuMicros() - cpuWin;
        const seconds = (nowMicros() - tWin) / 1e6;
        const packets = this.count - countWin;
        const span = (this.seq - seqWin) >>> 0;
        const calls = this.calls - callsWin;
        finish({
          impl: this.impl,
          packets,
          seconds,
          pps: Math.round(packets / seconds),
          cpuUs: Math.round(cpu),
          cpuUsPerPacket: packets ? cpu / packets : 0,
          seqSpan: span,
          loss: span ? Math.max(0, 1 - packets / span) : 0,
          packetsPerCall: calls ? packets / calls : undefined,
          rssMB: Math.round(process.memoryUsage().rss / 1048576),
        });
      }
    }, 5);
  }
}

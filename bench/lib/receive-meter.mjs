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
    this.timer = setInterval(() => this.tick(), 5);
    this.onDone = onDone;
    this.phase = 0;
    this.lastCount = 0;
    this.lastRx = nowMicros();
  }

  finish(result) {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    process.stdout.write(JSON.stringify(result) + "\n");
    Promise.resolve(this.onDone()).finally(() => setImmediate(() => process.exit(result.error ? 1 : 0)));
  }

  tick() {
    if (this.finished || !this.onDone) return;
    const t = nowMicros();
    if (this.count !== this.lastCount) {
      this.lastCount = this.count;
      this.lastRx = t;
    } else if (t - this.lastRx > this.idleMs * 1e3) {
      this.finish({ impl: this.impl, error: "idle", phase: this.phase, packets: this.count });
      return;
    }
    if (this.phase === 0 && this.count > 0) {
      this.phase = 1;
      this.tFirst = t;
    }
    if (this.phase === 1 && t - this.tFirst >= this.warmupMs * 1e3) {
      this.phase = 2;
      this.tWin = t;
      this.cpuWin = cpuMicros();
      this.countWin = this.count;
      this.seqWin = this.seq;
      this.callsWin = this.calls;
    } else if (this.phase === 2 && t - this.tWin >= this.windowMs * 1e3) {
      const cpu = cpuMicros() - this.cpuWin;
      const seconds = (nowMicros() - this.tWin) / 1e6;
      const packets = this.count - this.countWin;
      const span = (this.seq - this.seqWin) >>> 0;
      const calls = this.calls - this.callsWin;
      this.finish({
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
  }
}

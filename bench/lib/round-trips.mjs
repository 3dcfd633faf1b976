// Bookkeeping of a ping-pong pinger: `warmup` untimed rounds, then `count` timed ones; each round
// carries its index in the first 4 bytes so a stray echo is never taken for the current one.
// Prints p50/p99/mean (µs) and the pinger's CPU per round as one JSON line.
import { cpuMicros, nowMicros } from "./cpu.mjs";

export class RoundTrips {
  constructor(impl, { count = 10000, warmup = 1000, maxMs = 20000 } = {}) {
    this.impl = impl;
    this.count = count;
    this.warmup = warmup;
    this.deadline = nowMicros() + maxMs * 1e3;
    this.rtt = new Float64Array(count);
    this.done = 0;
    this.round = 0;
    this.sentAt = 0;
    this.cpu0 = cpuMicros();
  }

  /** Call right before sending round `this.round`. */
  markSend() {
    this.sentAt = nowMicros();
  }

  /** Call with the echoed round index; returns true when another round should be sent. */
  onEcho(index) {
    if (index !== this.round) return true;
    const t = nowMicros();
    if (this.round >= this.warmup) this.rtt[this.done++] = t - this.sentAt;
    this.round++;
    return this.round < this.warmup + this.count && t < this.deadline;
  }

  result() {
    const cpu = cpuMicros() - this.cpu0;
    const r = this.rtt.slice(0, this.done).sort();
    const n = r.length;
    let sum = 0;
    for (const x of r) sum += x;
    return {
      impl: this.impl,
      rounds: n,
      p50: n ? r[n >> 1] : 0,
      p99: n ? r[Math.floor(n * 0.99)] : 0,
      mean: n ? sum / n : 0,
      pingCpuUsPerRound: this.round ? cpu / this.round : 0,
    };
  }
}

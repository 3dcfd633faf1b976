// CPU time of the whole process (every thread, user + system) in microseconds.
export function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function nowMicros() {
  return Number(process.hrtime.bigint()) / 1e3;
}

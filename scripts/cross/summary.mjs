// Summarises a test log for scripts/cross-test.sh: prints every failure with its details, every
// skip with its reason, and the closing line `<label>: N passed, N failed, N skipped`. Exits 1 if
// anything failed or nothing ran.
//
//   node scripts/cross/summary.mjs tap   <label> <ava --tap output>
//   node scripts/cross/summary.mjs cargo <label> <cargo test output, run with -- --show-output>
import { readFileSync } from "node:fs";

const [kind, label, file] = process.argv.slice(2);
if (!["tap", "cargo"].includes(kind) || !label || !file) {
  console.error("usage: summary.mjs tap|cargo <label> <log file>");
  process.exit(2);
}
const lines = readFileSync(file, "utf8").split(/\r?\n/); // node.exe under wine writes CRLF
let passed = 0;
let failed = 0;
let skipped = 0;
let problems = [];
const skips = [];
const failures = [];

if (kind === "tap") {
  // ava's TAP: `ok N - title`, `not ok N - title` followed by the test's logs (`#   ...`) and an
  // indented YAML block (`  ---` to `  ...`), `ok N - title # SKIP`; `# ...` lines are logs; a crash prints `not ok N - ...`
  // too. `# tests`/`# pass`/`# fail` close the run.
  let plan = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = /^(not ok|ok) \d+ - (.*)$/.exec(line);
    if (m) {
      const [, status, rest] = m;
      if (/ # SKIP\s*$/.test(rest)) {
        skipped++;
        skips.push(rest.replace(/ # SKIP\s*$/, ""));
      } else if (/ # TODO\s*$/.test(rest)) {
        skipped++;
        skips.push(`${rest.replace(/ # TODO\s*$/, "")} (todo)`);
      } else if (status === "ok") {
        passed++;
      } else {
        failed++;
        const block = [line];
        // The test's t.log lines (`#   ...`) come before the error's YAML block.
        while (i + 1 < lines.length && lines[i + 1].startsWith("#   ")) block.push(lines[++i]);
        if (lines[i + 1] === "  ---") {
          for (i++; i < lines.length; i++) {
            block.push(lines[i]);
            if (lines[i] === "  ...") break;
          }
        }
        failures.push(block.join("\n"));
      }
      continue;
    }
    const p = /^1\.\.(\d+)$/.exec(line);
    if (p) plan = Number(p[1]);
  }
  // (The plan counts tests only; a file that fails to load is one more `not ok` beside it.)
  if (plan === null) problems.push("the TAP output has no plan line: ava did not finish");
} else {
  // cargo test: `test result: ok. N passed; N failed; N ignored; ...` per test binary; a failing
  // test prints `test name ... FAILED` and its panic under `failures:`. A test that returned
  // early under emulation or on Windows printed `SKIPPED name under X: reason` / `SKIPPED name on
  // Windows: reason` (captured, shown by
  // --show-output): it counts as skipped, not passed.
  let results = 0;
  for (const line of lines) {
    const r = /^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/.exec(line);
    if (r) {
      results++;
      passed += Number(r[1]);
      failed += Number(r[2]);
      skipped += Number(r[3]);
      continue;
    }
    const s = /^SKIPPED (\S+) ((?:under|on) .*)$/.exec(line);
    if (s) {
      skips.push(`${s[1]} [skipped: ${s[2]}]`);
      continue;
    }
    const f = /^test (\S+) \.\.\. FAILED$/.exec(line);
    if (f) failures.push(f[1]);
    if (/^error(\[E\d+\])?: /.test(line)) problems.push(line);
  }
  // Early-returned tests were counted as passed by libtest.
  passed -= skips.length;
  skipped += skips.length;
  if (results === 0) problems.push("cargo test printed no test result: it did not build or run");
  const panics = lines.filter((l) => /panicked at/.test(l));
  if (failures.length > 0) failures.push(...panics.map((l) => `  ${l}`));
}

console.log(`\n== ${label}: ${failures.length > 0 ? "failures" : "no failures"}`);
for (const f of failures) console.log(f);
console.log(`== ${label}: ${skips.length} skipped, each with its reason`);
for (const s of skips) console.log(`  - ${s}`);
for (const p of problems) console.log(`== ${label}: ${p}`);
console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || problems.length > 0 || passed === 0 ? 1 : 0);

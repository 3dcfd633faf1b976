// Loads udx-native (a devDependency, the native addon issue 5 compares with). When it is missing
// the bench process prints an error line the harness reports as a skipped row, and exits.
import { createRequire } from "node:module";

export function loadUdx() {
  try {
    return createRequire(import.meta.url)("udx-native");
  } catch (e) {
    process.stdout.write(JSON.stringify({ impl: "udx-native", error: `udx-native not installed (${e.code ?? e.message})` }) + "\n");
    process.exit(1);
  }
}

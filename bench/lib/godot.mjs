// Loads the built package (dist/, as users get it) and, for the diagnostic rows that bypass the
// facade, the private native binding.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

export const godot = require(path.join(root, "dist", "index.js"));
export const loadNative = () => require(path.join(root, "native", "binding.cjs"));
export const OK = 0;
export const META_WORDS = 8;

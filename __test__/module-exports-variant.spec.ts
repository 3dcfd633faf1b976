// Every Godot value type class (and the codec's functions) is exported by both package entries,
// as the same objects, and values built from one entry decode into instances of the other.
// Needs `npm run build:ts` (dist/).
import test from "ava";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const CLASSES = [
  "Vector2", "Vector2i", "Rect2", "Rect2i", "Vector3", "Vector3i", "Transform2D", "Vector4", "Vector4i",
  "Plane", "Quaternion", "AABB", "Basis", "Transform3D", "Projection", "Color", "StringName", "NodePath",
  "RID", "Callable", "Signal", "EncodedObjectAsID", "GodotObject", "Dictionary", "TypedArray", "Float",
  "PackedStringArray", "PackedVector2Array", "PackedVector3Array", "PackedColorArray", "PackedVector4Array",
  "VariantDecodeError", "VariantEncodeError", "VariantTypeError", "PacketPeer", "PacketPeerUDP",
];
const FUNCTIONS = ["varToBytes", "bytesToVar", "decodeVariant"];

const SCRIPT = `
  import * as esm from "godot-udp";
  import { createRequire } from "node:module";
  const cjs = createRequire(import.meta.url)("godot-udp");
  const classes = ${JSON.stringify(CLASSES)};
  const functions = ${JSON.stringify(FUNCTIONS)};
  const out = { missing: [], notSame: [], notClass: [], crossInstance: [] };
  for (const n of [...classes, ...functions]) {
    if (typeof esm[n] !== "function") out.missing.push("esm:" + n);
    if (typeof cjs[n] !== "function") out.missing.push("cjs:" + n);
    if (esm[n] !== cjs[n]) out.notSame.push(n);
  }
  for (const n of classes) if (typeof esm[n] === "function" && !/^class\\b/.test(Function.prototype.toString.call(esm[n]))) out.notClass.push(n);
  // Encode with ESM classes, decode with the CJS function: instances of the same classes.
  const samples = {
    Vector2: new esm.Vector2(1, 2), Vector3i: new esm.Vector3i(1, 2, 3), Color: new esm.Color(1, 0, 0, 1),
    NodePath: new esm.NodePath(["a"], [], false), Dictionary: new esm.Dictionary([[1, 2]]),
    PackedVector4Array: new esm.PackedVector4Array([new esm.Vector4(1, 2, 3, 4)]),
  };
  for (const [n, v] of Object.entries(samples)) {
    const back = cjs.bytesToVar(esm.varToBytes(v));
    if (!(back instanceof esm[n]) || !(back instanceof cjs[n])) out.crossInstance.push(n);
  }
  console.log(JSON.stringify(out));
`;

test("ESM and CJS export every Variant type class and codec function, as the same objects", async (t) => {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", SCRIPT],
      { cwd: ROOT, timeout: 20_000, env: { ...process.env, NODE_OPTIONS: "" } },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
    );
  });
  t.is(code, 0, stderr);
  t.deepEqual(JSON.parse(stdout), { missing: [], notSame: [], notClass: [], crossInstance: [] });
});

test("the type declarations of the CJS entry declare every class", (t) => {
  const dts = readFileSync(join(ROOT, "dist/variant/types.d.ts"), "utf8") + readFileSync(join(ROOT, "dist/variant/arrays.d.ts"), "utf8");
  for (const n of CLASSES.slice(0, 31)) {
    if (["Dictionary"].includes(n)) continue;
    t.regex(dts, new RegExp(`export declare class ${n}\\b`), n);
  }
  t.regex(readFileSync(join(ROOT, "dist/index.d.mts"), "utf8"), /export \* from "\.\/index\.js"/);
});

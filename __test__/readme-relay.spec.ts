// A server that relays a game's values must not turn Godot's float 1.0 into the int 1: reading
// with getVar({ lossless: true }) keeps it a float. The README's first example does that, and the
// rule is stated near the top.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { Float, StringName, varToBytes } from "../src-ts/variant/index.js";
import { boundPeer, untilCount } from "./packet-peer-helpers.js";

test("relaying a game's values: getVar({ lossless: true }) then putVar sends Godot's float 1.0 and StringName back unchanged", async (t) => {
  const { peer: game, port: gamePort } = boundPeer(t);
  const { peer: relay, port: relayPort } = boundPeer(t);
  const sent = varToBytes({ speed: new Float(1), hp: 3, action: new StringName("jump") });
  t.is(game.setDestAddress("127.0.0.1", relayPort), GodotError.OK);
  t.is(game.putPacket(sent), GodotError.OK);
  t.is(game.putPacket(sent), GodotError.OK);
  await untilCount(relay, 2);

  t.is(relay.setDestAddress("127.0.0.1", gamePort), GodotError.OK);
  t.is(relay.putVar(relay.getVar({ lossless: true })), GodotError.OK);
  t.is(relay.putVar(relay.getVar()), GodotError.OK);
  await untilCount(game, 2);
  t.is(game.getPacket().toString("hex"), sent.toString("hex"), "lossless: the same bytes");
  // Plain getVar(): the float comes back as an int and the StringName as a String.
  t.not(game.getPacket().toString("hex"), sent.toString("hex"));
});

test("the README's first example relays with getVar({ lossless: true }) and the rule is stated right after it", (t) => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const first = readme.indexOf("```js");
  const example = readme.slice(first, readme.indexOf("```\n", first + 5));
  t.regex(example, /getVar\(\{ lossless: true \}\)/);
  t.regex(example, /putVar\(/);
  t.notRegex(example, /getVar\(\)/);
  const afterExample = readme.slice(first, readme.indexOf("\n## ", first));
  t.regex(afterExample, /lossless/);
  t.regex(afterExample, /Float/);
});

import test from "ava";
import { GodotError, errorName } from "../src-ts/errors.js";

test("GodotError has Godot's numbers", (t) => {
  t.is(GodotError.OK, 0);
  t.is(GodotError.ERR_UNAVAILABLE, 2);
  t.is(GodotError.ERR_INVALID_PARAMETER, 31);
  t.is(GodotError.ERR_PRINTER_ON_FIRE, 48);
  t.is(errorName(44), "ERR_BUSY");
});

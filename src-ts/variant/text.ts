/**
 * Godot's text form of Variants (`var_to_str` / `str_to_var`): what the Godot editor shows,
 * `.tscn`/`.tres` files hold, and the `godot-udp` command line prints and reads.
 */
export { varToStr, cEscape, type VarToStrOptions } from "./text-write.js";
export { strToVar } from "./text-parse.js";
export { VariantTextParseError, VariantTextWriteError, type TextPosition } from "./text-errors.js";
export { numScientific } from "./text-float.js";
export { typeName, variantTypeOf } from "./text-kind.js";

/**
 * Reads the `<value>` of `godot-udp send`: Godot's text form first (what `var_to_str` writes and
 * the Godot editor shows), JSON second. When neither reads it, the message points at the place
 * where Godot's grammar failed.
 */
import { strToVar, VariantTextParseError, type Variant } from "./api.js";
import { UsageError } from "./args.js";

/** The line of `text` the error is on, with a caret under the column. */
function pointAt(text: string, error: VariantTextParseError): string {
  const line = text.split("\n")[error.line - 1] ?? "";
  const before = Array.from(line).slice(0, error.column - 1).join("");
  return `  ${line}\n  ${before.replace(/[^\t]/g, " ")}^`;
}

export function readValueArgument(text: string): Variant {
  try {
    return strToVar(text);
  } catch (err) {
    if (!(err instanceof VariantTextParseError)) throw err;
    try {
      return JSON.parse(text) as Variant;
    } catch {
      // Report Godot's reading: the text form is the documented one.
    }
    throw new UsageError(`<value> is not a Godot value (nor JSON): ${err.message}\n${pointAt(text, err)}`);
  }
}

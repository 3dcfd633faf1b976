import { GodotError } from "../errors.js";

/** Where in a text a parse failed: 1-based line and column (in code points), 0-based offset (UTF-16 index). */
export interface TextPosition {
  line: number;
  column: number;
  offset: number;
}

/** Computes the line and column of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = Array.from(text.slice(lineStart, clamped)).length + 1;
  return { line, column, offset: clamped };
}

/**
 * `strToVar` could not read the text. `message` names the place and the reason, Godot's wording
 * for the reason (`detail`); `code` is Godot's `ERR_PARSE_ERROR`.
 */
export class VariantTextParseError extends Error {
  override readonly name = "VariantTextParseError";
  readonly code = GodotError.ERR_PARSE_ERROR;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The reason alone, without the position. */
  readonly detail: string;

  constructor(detail: string, position: TextPosition) {
    super(`${detail} at line ${position.line}, column ${position.column} (offset ${position.offset})`);
    this.detail = detail;
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
  }
}

/** `varToStr` met a value that is no Variant (a function, a symbol, a cycle ...). */
export class VariantTextWriteError extends TypeError {
  override readonly name = "VariantTextWriteError";
}

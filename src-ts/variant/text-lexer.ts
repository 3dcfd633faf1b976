/**
 * Tokenizer for Godot's Variant text form, with the rules of Godot's `VariantParser::get_token`:
 * every character up to U+0020 is white space, `;` starts a comment to the end of the line, a NUL
 * character ends the text, strings take C escapes plus `\uXXXX` / `\UXXXXXX` (UTF-16 pairs joined),
 * `&"..."` (and Godot 3's `@"..."`) is a StringName, `#rrggbb` is a Color, a number is an int unless
 * it has a `.` or an exponent, and `-` directly before a letter makes an identifier (`-inf`).
 */
import { VariantTextParseError, positionAt } from "./text-errors.js";

export type Punctuation = "{" | "}" | "[" | "]" | "(" | ")" | ":" | "," | "." | "=";

export type Token =
  | { kind: "punct"; value: Punctuation; start: number }
  | { kind: "identifier"; value: string; start: number }
  | { kind: "string"; value: string; start: number }
  | { kind: "stringName"; value: string; start: number }
  /** An int token: Godot clamps to the int64 range. */
  | { kind: "int"; value: bigint; start: number }
  | { kind: "float"; value: number; start: number }
  | { kind: "color"; value: [number, number, number, number]; start: number }
  | { kind: "eof"; start: number };

/** Godot's own names for token kinds, used in messages ("Expected value, got ','"). */
export function tokenName(token: Token): string {
  switch (token.kind) {
    case "punct":
      return `'${token.value}'`;
    case "identifier":
      return "identifier";
    case "string":
      return "string";
    case "stringName":
      return "string_name";
    case "int":
    case "float":
      return "number";
    case "color":
      return "color";
    case "eof":
      return "EOF";
  }
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const PUNCTUATION = new Set<string>(["{", "}", "[", "]", "(", ")", ":", ",", ".", "="]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

function isHexDigit(c: string | undefined): boolean {
  return isDigit(c) || (c !== undefined && ((c >= "a" && c <= "f") || (c >= "A" && c <= "F")));
}

/** A code point Godot cannot hold in a String (NUL, a lone surrogate, beyond U+10FFFF) becomes U+FFFD, as in Godot. */
function codePointToString(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(cp);
}

/**
 * Godot's `Color::html` for the `#...` token: 3, 4, 6 or 8 hex digits (alpha last), components
 * stored as float32.
 */
function htmlColor(hex: string): [number, number, number, number] | undefined {
  const n = hex.length;
  if (n !== 3 && n !== 4 && n !== 6 && n !== 8) return undefined;
  const short = n < 5;
  const width = short ? 1 : 2;
  const max = short ? 15 : 255;
  const channel = (i: number): number => Math.fround(parseInt(hex.slice(i * width, i * width + width), 16) / max);
  const hasAlpha = n === 4 || n === 8;
  return [channel(0), channel(1), channel(2), hasAlpha ? channel(3) : 1];
}

export class Lexer {
  private pos = 0;
  private readonly end: number;

  constructor(readonly text: string) {
    // Godot's string stream ends at the first NUL character.
    const nul = text.indexOf("\0");
    this.end = nul === -1 ? text.length : nul;
  }

  fail(detail: string, offset: number): never {
    throw new VariantTextParseError(detail, positionAt(this.text, offset));
  }

  /** The offset just after the last token read. */
  get offset(): number {
    return this.pos;
  }

  private peekChar(at = this.pos): string | undefined {
    return at < this.end ? this.text[at] : undefined;
  }

  next(): Token {
    for (;;) {
      const start = this.pos;
      const c = this.peekChar();
      if (c === undefined) return { kind: "eof", start: this.end };
      if (c.charCodeAt(0) <= 32) {
        this.pos++;
        continue;
      }
      if (c === ";") {
        while (this.pos < this.end && this.text[this.pos] !== "\n") this.pos++;
        continue;
      }
      if (PUNCTUATION.has(c)) {
        this.pos++;
        return { kind: "punct", value: c as Punctuation, start };
      }
      if (c === "#") return this.readColor(start);
      if (c === "&" || c === "@") {
        if (this.peekChar(start + 1) !== '"') this.fail(`Expected '"' after '${c}'`, start + 1);
        this.pos = start + 1;
        return { kind: "stringName", value: this.readString(), start };
      }
      if (c === '"') return { kind: "string", value: this.readString(), start };
      return this.readWord(start);
    }
  }

  private readColor(start: number): Token {
    let i = start + 1;
    while (isHexDigit(this.peekChar(i))) i++;
    this.pos = i;
    // (Godot's stream reports EOF when a color literal ends the text; a color is read here.)
    const hex = this.text.slice(start + 1, i);
    const color = htmlColor(hex);
    if (!color) this.fail(`Invalid color code: #${hex}`, start);
    return { kind: "color", value: color, start };
  }

  /** Reads a quoted string; `pos` is at the opening quote. */
  private readString(): string {
    const open = this.pos;
    this.pos++;
    let out = "";
    let lead = 0;
    const unpairedLead = (at: number): never =>
      this.fail("Invalid UTF-16 sequence in string, unpaired lead surrogate", at);
    for (;;) {
      const at = this.pos;
      const ch = this.peekChar();
      if (ch === undefined) this.fail("Unterminated string", open);
      this.pos++;
      if (ch === '"') break;
      if (ch !== "\\") {
        if (lead !== 0) unpairedLead(at);
        out += ch;
        continue;
      }
      const esc = this.peekChar();
      if (esc === undefined) this.fail("Unterminated string", open);
      this.pos++;
      let cp: number;
      switch (esc) {
        case "b":
          cp = 8;
          break;
        case "t":
          cp = 9;
          break;
        case "n":
          cp = 10;
          break;
        case "f":
          cp = 12;
          break;
        case "r":
          cp = 13;
          break;
        case "u":
        case "U": {
          const len = esc === "U" ? 6 : 4;
          cp = 0;
          for (let j = 0; j < len; j++) {
            const h = this.peekChar();
            if (h === undefined) this.fail("Unterminated string", open);
            if (!isHexDigit(h)) this.fail("Malformed hex constant in string", this.pos);
            cp = cp * 16 + parseInt(h, 16);
            this.pos++;
          }
          break;
        }
        default:
          // Any other escaped character stands for itself (`\"`, `\\`, `\'`, `\q` ...).
          cp = esc.codePointAt(0) ?? 0;
          if (cp > 0xffff) this.pos++;
      }
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (lead !== 0) unpairedLead(at);
        lead = cp;
        continue;
      }
      if (cp >= 0xdc00 && cp <= 0xdfff) {
        if (lead === 0) this.fail("Invalid UTF-16 sequence in string, unpaired trail surrogate", at);
        cp = 0x10000 + ((lead - 0xd800) << 10) + (cp - 0xdc00);
        lead = 0;
      }
      if (lead !== 0) unpairedLead(at);
      out += codePointToString(cp);
    }
    if (lead !== 0) unpairedLead(this.pos - 1);
    return out;
  }

  private readWord(start: number): Token {
    let i = start;
    let text = "";
    if (this.peekChar(i) === "-") {
      text = "-";
      i++;
    }
    const first = this.peekChar(i);
    if (isDigit(first)) return this.readNumber(start, i, text);
    if (isAsciiLetter(first) || first === "_") {
      while (isAsciiLetter(this.peekChar(i)) || this.peekChar(i) === "_" || isDigit(this.peekChar(i))) {
        text += this.peekChar(i);
        i++;
      }
      this.pos = i;
      return { kind: "identifier", value: text, start };
    }
    this.fail("Unexpected character", i);
  }

  /** Godot's number scanner: digits, an optional `.digits`, an optional `e[+-]digits`. */
  private readNumber(start: number, digitsStart: number, sign: string): Token {
    let i = digitsStart;
    let isFloat = false;
    while (isDigit(this.peekChar(i))) i++;
    let c = this.peekChar(i);
    if (c === ".") {
      isFloat = true;
      i++;
      while (isDigit(this.peekChar(i))) i++;
      c = this.peekChar(i);
    }
    if (c === "e" || c === "E") {
      isFloat = true;
      i++;
      const s = this.peekChar(i);
      if (s === "+" || s === "-") i++;
      while (isDigit(this.peekChar(i))) i++;
    }
    this.pos = i;
    const body = this.text.slice(digitsStart, i);
    if (isFloat) {
      // Godot reads "1.", "1e" and "1e+" as 1.0: drop an exponent without digits.
      const cleaned = body.replace(/[eE][+-]?$/, "");
      const value = Number(sign + cleaned);
      return { kind: "float", value, start };
    }
    let value = BigInt(sign + body);
    if (value > INT64_MAX) value = INT64_MAX;
    if (value < INT64_MIN) value = INT64_MIN;
    return { kind: "int", value, start };
  }
}

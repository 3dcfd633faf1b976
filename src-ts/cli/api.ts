/**
 * The public API the command line is built on: the package's entry point and nothing private.
 * (The codec and the text form are part of that API; they are also named here so the command
 * line builds whether or not the entry point lists them yet.)
 */
export * from "../index.js";
export * from "../variant/index.js";
export {
  varToStr,
  strToVar,
  VariantTextParseError,
  typeName,
  variantTypeOf,
} from "../variant/text.js";

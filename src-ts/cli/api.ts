/**
 * The public API the command line is built on: the package's entry point, nothing private.
 * (`typeName` and `variantTypeOf` are meant for the entry point's list of text-form exports;
 * until it names them they are taken from the same module it exports `varToStr` from.)
 */
export * from "../index.js";
export { typeName, variantTypeOf } from "../variant/text.js";

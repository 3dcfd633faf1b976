/** The public API the command line is built on: the package's entry point, nothing private. */
export * from "../index.js";

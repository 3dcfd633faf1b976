export { GodotError, errorName } from "./errors.js";

// Compile-time only: the generated binding (native/binding.d.ts, written by `napi build`) must
// satisfy the contract the facade is written against (src-ts/native.ts). Emits nothing useful.
import type * as Generated from "../native/binding";
import type { NativeBinding } from "./native.js";

type Satisfies<T extends NativeBinding> = T;
export type GeneratedBindingSatisfiesContract = Satisfies<typeof Generated>;

/**
 * Godot's float formatting for the text form (`var_to_str`), digit for digit.
 *
 * Godot 4.5+ writes numbers with `String::num_scientific`, which runs the Grisu2 algorithm
 * (Loitsch, "Printing Floating-Point Numbers Quickly and Accurately with Integers", PLDI 2010) and
 * lays the digits out like printf's `%g`: fixed notation for decimal exponents in (-4, 15],
 * scientific otherwise, with a signed exponent of at least two digits (`1e+20`, `1e-05`).
 * Grisu2 is not always the shortest representation, and JavaScript's own `Number#toString` is, so
 * matching Godot exactly needs Grisu2 itself; it is written here from the paper with BigInt
 * arithmetic (64-bit "do-it-yourself" floats and a table of cached powers of ten computed at load).
 *
 * `float32` formatting (Godot's `num_scientific(float)`) uses the single-precision neighbours, so a
 * float32 prints as its shortest float32 form (`0.1`, not `0.10000000149011612`).
 */

const MASK64 = (1n << 64n) - 1n;

/** A "do-it-yourself" float: f × 2^e with a 64-bit unsigned significand. */
interface DiyFp {
  f: bigint;
  e: number;
}

/** Grisu's target window for the scaled exponent (Loitsch's alpha and gamma). */
const ALPHA = -60;
const GAMMA = -32;
const CACHED_MIN_DEC_EXP = -300;
const CACHED_DEC_STEP = 8;
const CACHED_MAX_DEC_EXP = 340;

interface CachedPower {
  f: bigint;
  e: number;
  k: number;
}

/** 10^k ≈ f × 2^e with f normalized to [2^63, 2^64), rounded to nearest. */
function cachedPower(k: number): CachedPower {
  const num = k >= 0 ? 10n ** BigInt(k) : 1n;
  const den = k >= 0 ? 1n : 10n ** BigInt(-k);
  let e = Math.floor(k * Math.log2(10)) - 63;
  for (;;) {
    const n = e >= 0 ? num : num << BigInt(-e);
    const d = e >= 0 ? den << BigInt(e) : den;
    const q = n / d;
    const f = q + (2n * (n % d) >= d ? 1n : 0n);
    if (f > MASK64) e++;
    else if (f < 1n << 63n) e--;
    else return { f, e, k };
  }
}

let cachedPowers: CachedPower[] | undefined;

function powersTable(): CachedPower[] {
  if (!cachedPowers) {
    cachedPowers = [];
    for (let k = CACHED_MIN_DEC_EXP; k <= CACHED_MAX_DEC_EXP; k += CACHED_DEC_STEP) {
      cachedPowers.push(cachedPower(k));
    }
  }
  return cachedPowers;
}

/** The cached power c = 10^-k such that alpha <= e + c.e + 64 <= gamma. */
function cachedPowerForBinaryExponent(e: number): CachedPower {
  const f = ALPHA - e - 1;
  const k = Math.trunc((f * 78913) / (1 << 18)) + (f > 0 ? 1 : 0);
  const index = Math.trunc((-CACHED_MIN_DEC_EXP + k + (CACHED_DEC_STEP - 1)) / CACHED_DEC_STEP);
  const table = powersTable();
  const cached = table[index];
  if (cached === undefined) throw new RangeError(`no cached power for binary exponent ${e}`);
  return cached;
}

/** Product rounded to 64 bits: (a.f × b.f + 2^63) >> 64. */
function mul(a: DiyFp, b: DiyFp): DiyFp {
  return { f: (a.f * b.f + (1n << 63n)) >> 64n, e: a.e + b.e + 64 };
}

function normalize(x: DiyFp): DiyFp {
  let { f, e } = x;
  while ((f >> 63n) === 0n) {
    f <<= 1n;
    e--;
  }
  return { f, e };
}

function normalizeTo(x: DiyFp, targetExponent: number): DiyFp {
  const delta = x.e - targetExponent;
  return { f: x.f << BigInt(delta), e: targetExponent };
}

interface Boundaries {
  w: DiyFp;
  minus: DiyFp;
  plus: DiyFp;
}

/** The value and the midpoints to its neighbours, for binary64 (53 bits) or binary32 (24 bits). */
function computeBoundaries(value: number, single: boolean): Boundaries {
  let fraction: bigint;
  let biasedExponent: number;
  let precision: number;
  let bias: number;
  if (single) {
    const bits = new Uint32Array(new Float32Array([value]).buffer)[0] ?? 0;
    fraction = BigInt(bits & 0x7fffff);
    biasedExponent = (bits >>> 23) & 0xff;
    precision = 24;
    bias = 127 + 23;
  } else {
    const bits = new BigUint64Array(new Float64Array([value]).buffer)[0] ?? 0n;
    fraction = bits & ((1n << 52n) - 1n);
    biasedExponent = Number((bits >> 52n) & 0x7ffn);
    precision = 53;
    bias = 1023 + 52;
  }
  const hidden = 1n << BigInt(precision - 1);
  const v: DiyFp =
    biasedExponent === 0
      ? { f: fraction, e: 1 - bias }
      : { f: fraction + hidden, e: biasedExponent - bias };
  const lowerBoundaryIsCloser = fraction === 0n && biasedExponent > 1;
  const mPlus: DiyFp = { f: 2n * v.f + 1n, e: v.e - 1 };
  const mMinus: DiyFp = lowerBoundaryIsCloser
    ? { f: 4n * v.f - 1n, e: v.e - 2 }
    : { f: 2n * v.f - 1n, e: v.e - 1 };
  const plus = normalize(mPlus);
  return { w: normalize(v), minus: normalizeTo(mMinus, plus.e), plus };
}

/** Moves the last digit towards w while the result stays inside the safe interval. */
function round(digits: number[], dist: bigint, delta: bigint, rest: bigint, tenK: bigint): void {
  while (
    rest < dist &&
    delta - rest >= tenK &&
    (rest + tenK < dist || dist - rest > rest + tenK - dist)
  ) {
    const last = digits.length - 1;
    digits[last] = (digits[last] ?? 0) - 1;
    rest += tenK;
  }
}

const POW10_32 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** Grisu2 digit generation: the digits of v = digits × 10^exponent, M- <= v <= M+. */
function digitGen(
  mMinus: DiyFp,
  w: DiyFp,
  mPlus: DiyFp,
  decimalExponent: number,
): { digits: number[]; exponent: number } {
  let delta = mPlus.f - mMinus.f;
  let dist = mPlus.f - w.f;
  const shift = BigInt(-mPlus.e);
  const oneF = 1n << shift;
  let p1 = Number(mPlus.f >> shift);
  let p2 = mPlus.f & (oneF - 1n);
  const digits: number[] = [];

  let n = 10;
  while (n > 1 && p1 < (POW10_32[n - 1] ?? 1)) n--;
  let pow10 = POW10_32[n - 1] ?? 1;
  while (n > 0) {
    const d = Math.floor(p1 / pow10);
    p1 %= pow10;
    digits.push(d);
    n--;
    const rest = (BigInt(p1) << shift) + p2;
    if (rest <= delta) {
      round(digits, dist, delta, rest, BigInt(pow10) << shift);
      return { digits, exponent: decimalExponent + n };
    }
    pow10 = Math.floor(pow10 / 10);
  }

  let m = 0;
  for (;;) {
    p2 *= 10n;
    const d = Number(p2 >> shift);
    p2 &= oneF - 1n;
    digits.push(d);
    m++;
    delta *= 10n;
    dist *= 10n;
    if (p2 <= delta) break;
  }
  round(digits, dist, delta, p2, oneF);
  return { digits, exponent: decimalExponent - m };
}

/** Grisu2 for a positive finite value: decimal digits and exponent (value ≈ digits × 10^exponent). */
export function grisu2(value: number, single: boolean): { digits: string; exponent: number } {
  const { w, minus, plus } = computeBoundaries(value, single);
  const cached = cachedPowerForBinaryExponent(plus.e);
  const c: DiyFp = { f: cached.f, e: cached.e };
  const sw = mul(w, c);
  const sMinus = mul(minus, c);
  const sPlus = mul(plus, c);
  // Widen the rounding error of the scaled values inwards by one unit each side.
  const safeMinus: DiyFp = { f: sMinus.f + 1n, e: sMinus.e };
  const safePlus: DiyFp = { f: sPlus.f - 1n, e: sPlus.e };
  if (safePlus.e > GAMMA || safePlus.e < ALPHA) {
    throw new RangeError(`grisu2: scaled exponent ${safePlus.e} outside the window`);
  }
  const { digits, exponent } = digitGen(safeMinus, sw, safePlus, -cached.k);
  return { digits: digits.join(""), exponent };
}

const MIN_FIXED_EXP = -4;
const MAX_FIXED_EXP = 15;

/** Lays digits out as Godot's grisu2 `format_buffer` does (printf `%g`-like, no trailing `.0`). */
function layout(digits: string, exponent: number): string {
  const k = digits.length;
  const n = k + exponent;
  if (k <= n && n <= MAX_FIXED_EXP) return digits + "0".repeat(n - k);
  if (0 < n && n <= MAX_FIXED_EXP) return `${digits.slice(0, n)}.${digits.slice(n)}`;
  if (MIN_FIXED_EXP < n && n <= 0) return `0.${"0".repeat(-n)}${digits}`;
  const mantissa = k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const e = n - 1;
  const magnitude = String(Math.abs(e)).padStart(2, "0");
  return `${mantissa}e${e < 0 ? "-" : "+"}${magnitude}`;
}

/** Godot's `String::num_scientific(double)` / `num_scientific(float)`. */
export function numScientific(value: number, single = false): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return negative ? "-0" : "0";
  const { digits, exponent } = grisu2(magnitude, single);
  return (negative ? "-" : "") + layout(digits, exponent);
}

/**
 * Godot's `rtos_fix` as `var_to_str` uses it (compat mode): zero is `0`, negative infinity is
 * `inf_neg`, and a value that is exactly a float32 prints as the float32's shortest form (Godot's
 * guard against "garbage digits" from single-precision storage).
 */
export function rtosFix(value: number): string {
  if (value === 0) return "0";
  if (value === -Infinity) return "inf_neg";
  if (Math.fround(value) === value) return numScientific(value, true);
  return numScientific(value, false);
}

/** A FLOAT Variant in text form: `rtosFix`, plus `.0` when the result would read back as an int. */
export function floatToText(value: number): string {
  const s = rtosFix(value);
  if (s === "inf" || s === "-inf" || s === "nan") return s;
  if (s.includes(".") || s.includes("e") || s.includes("E")) return s;
  return `${s}.0`;
}

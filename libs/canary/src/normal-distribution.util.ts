// The standard normal distribution, to double precision in both tails, as R computes it:
// the CDF by W. J. Cody's rational Chebyshev approximations (ACM TOMS Algorithm 715, 1993),
// the quantile by M. J. Wichura's AS 241 (Applied Statistics 37, 1988). Both are needed to the
// last digit because the Mann-Whitney interval ends are roots of a step function: a quantile
// off by one ulp can move a root by a whole step.
// The published coefficients are written as the shortest decimals that parse to the same doubles.

const DBL_MIN = 2.2250738585072014e-308;
const HALF_EPSILON = Number.EPSILON * 0.5;
const SQRT_32 = 5.656854249492381;
const ONE_OVER_SQRT_2PI = 0.3989422804014327;

// Cody's coefficients, highest degree first, arranged so that Horner's rule performs R's operations
// in R's order. |x| <= 0.66291, polynomials in x²:
const CODY_CENTRAL_NUM = [0.06568233791820745, 2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356];
const CODY_CENTRAL_DEN = [1, 47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
// 0.66291 < |x| <= sqrt(32), polynomials in |x|:
const CODY_MIDDLE_NUM = [
  1.0765576773720192e-8, 0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002,
  2494.5375852903726, 6848.190450536283, 11602.65143764735, 9842.714838383978,
];
const CODY_MIDDLE_DEN = [
  1, 22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761,
  18615.571640885097, 34900.95272114598, 38912.00328609327, 19685.429676859992,
];
// |x| > sqrt(32), polynomials in 1/x²:
const CODY_TAIL_NUM = [0.023073441764940174, 0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 2.9112874951168793e-5];
const CODY_TAIL_DEN = [1, 1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 7.297515550839662e-5];

/** Horner's rule over coefficients given highest degree first. */
function horner(coefficients: readonly number[], r: number): number {
  let acc = 0;
  for (const c of coefficients) acc = acc * r + c;
  return acc;
}

export interface NormalTails {
  /** P(Z <= x) */
  lower: number;
  /** P(Z > x) */
  upper: number;
}

/** Both tail probabilities of the standard normal distribution at `x`. */
export function normalTails(x: number): NormalTails {
  if (Number.isNaN(x)) return { lower: Number.NaN, upper: Number.NaN };
  const y = Math.abs(x);
  if (y <= 0.66291) {
    const xsq = y > HALF_EPSILON ? x * x : 0;
    const t = (x * horner(CODY_CENTRAL_NUM, xsq)) / horner(CODY_CENTRAL_DEN, xsq);
    return { lower: 0.5 + t, upper: 0.5 - t };
  }

  // The tail beyond |x|, i.e. P(Z > |x|).
  let tail: number;
  if (y <= SQRT_32) {
    tail = gaussianFactor(y) * (horner(CODY_MIDDLE_NUM, y) / horner(CODY_MIDDLE_DEN, y));
  } else if (y < 50) {
    const xsq = 1 / (x * x);
    const r = (xsq * horner(CODY_TAIL_NUM, xsq)) / horner(CODY_TAIL_DEN, xsq);
    tail = gaussianFactor(y) * ((ONE_OVER_SQRT_2PI - r) / y);
  } else {
    tail = 0;
  }
  if (tail < DBL_MIN) tail = 0;
  const rest = 1 - tail;
  return x > 0 ? { lower: rest, upper: tail } : { lower: tail, upper: rest };
}

// exp(-y²/2) without losing digits to the rounding of y²: split y into a part with few bits and a rest.
function gaussianFactor(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  const del = (y - head) * (y + head);
  return Math.exp(-head * head * 0.5) * Math.exp(-del * 0.5);
}

// AS 241 coefficients, highest degree first.
const AS241_A = [2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513, 133.14166789178438, 3.3871328727963665];
const AS241_B = [5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579, 42.31333070160091, 1];
const AS241_C = [0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045, 5.769497221460691, 4.630337846156546, 1.4234371107496835];
const AS241_D = [1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851, 1.6763848301838038, 2.053191626637759, 1];
const AS241_E = [2.0103343992922881e-7, 2.7115555687434876e-5, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487, 1.7848265399172913, 5.463784911164114, 6.657904643501103];
const AS241_F = [2.0442631033899397e-15, 1.421511758316446e-7, 1.8463183175100548e-5, 0.0007868691311456133, 0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1];

/**
 * The quantile of the standard normal distribution: z with P(Z <= z) = p, or with P(Z > z) = p
 * when `lowerTail` is false (R's `qnorm(p, lower.tail = FALSE)`, computed from p itself so that
 * small upper-tail probabilities keep their digits).
 */
export function normalQuantile(p: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return lowerTail ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (p === 1) return lowerTail ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

  const pLower = lowerTail ? p : 0.5 - p + 0.5;
  const q = pLower - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  // The smaller of the two tail probabilities, taken from p directly where possible.
  const tail = q > 0 ? (lowerTail ? 0.5 - p + 0.5 : p) : pLower;
  let r = Math.sqrt(-Math.log(tail));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(AS241_C, r) / horner(AS241_D, r);
  } else {
    r -= 5;
    value = horner(AS241_E, r) / horner(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

/*
** measures.c: association, keyness and dispersion measures. The formulas,
** their sources and the zero-cell conventions are documented in measures.h.
*/
#include <math.h>
#include <string.h>

#include "measures.h"

/* counts above 2^53 are not exact in a double; refusing them also keeps
** every product below (at most five counts) far from overflow */
#define MAX_COUNT 9007199254740992.0

static const char *const assoc_names[RS_ASSOC_COUNT] = {
    "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2"};

static const char *const keyness_names[RS_KEY_COUNT] = {"ll", "chi2", "logratio",
                                                        "pdiff"};

static int lookup(const char *const *names, int n, const char *name) {
  int i;
  if (name == NULL) return -1;
  for (i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

int rs_assoc_measure(const char *name) {
  return lookup(assoc_names, RS_ASSOC_COUNT, name);
}

const char *rs_assoc_name(int measure) {
  return measure >= 0 && measure < RS_ASSOC_COUNT ? assoc_names[measure] : NULL;
}

const char *rs_assoc_valid(void) { return "mi, mi3, t, z, ll, logdice, dice, chi2"; }

int rs_keyness_measure(const char *name) {
  return lookup(keyness_names, RS_KEY_COUNT, name);
}

const char *rs_keyness_name(int measure) {
  return measure >= 0 && measure < RS_KEY_COUNT ? keyness_names[measure] : NULL;
}

const char *rs_keyness_valid(void) { return "ll, chi2, logratio, pdiff"; }

int rs_keyness_has_p(int measure) {
  return measure == RS_KEY_LL || measure == RS_KEY_CHI2;
}

/* a count: finite, >= 0, <= 2^53 (NaN fails every comparison) */
static int count_ok(double x) { return x >= 0.0 && x <= MAX_COUNT; }

/* store the status, and turn a non-finite result (which the validation
** should make impossible) into UNDEF rather than let it out */
static double result(double x, int status, int *st) {
  if (status == RS_MEASURE_OK || status == RS_MEASURE_SMOOTHED) {
    if (!isfinite(x)) {
      x = 0.0;
      status = RS_MEASURE_UNDEF;
    }
  } else {
    x = 0.0;
  }
  if (st) *st = status;
  return x;
}

/* O * ln(O / E) with 0 ln 0 = 0 (a cell with O = 0 adds nothing, whatever
** E is; a cell with O > 0 has E > 0 in a valid table) */
static double oln(double o, double e) { return o > 0.0 ? o * log(o / e) : 0.0; }

/* {====================================================== association */

double rs_assoc(int measure, double o11, double f1, double f2, double N,
                double span, int *st) {
  double r1, o12, o21, o22, r2, c2, e11, x;
  if (measure < 0 || measure >= RS_ASSOC_COUNT) return result(0, RS_EINVAL, st);
  if (!count_ok(o11) || !count_ok(f1) || !count_ok(f2) || !count_ok(N) ||
      !(span >= 1.0 && span <= MAX_COUNT) || N <= 0.0)
    return result(0, RS_EINVAL, st);
  r1 = f1 * span; /* the window positions around the node: row 1 */
  if (o11 > f2 || o11 > r1 || r1 > N || f2 > N) return result(0, RS_EINVAL, st);
  o12 = r1 - o11;            /* node window, not the collocate (NLTK n_io) */
  o21 = f2 - o11;            /* the collocate outside the windows (n_oi) */
  o22 = N - r1 - f2 + o11;   /* n_oo */
  if (o22 < 0.0) return result(0, RS_EINVAL, st);
  r2 = o21 + o22;            /* N - R1 */
  c2 = o12 + o22;            /* N - C1 */
  e11 = r1 * f2 / N;         /* f1 * f2 * span / N */

  switch (measure) {
  case RS_ASSOC_MI: /* NLTK pmi: log2(n_ii * n_xx) - log2(n_ix * n_xi) */
    if (o11 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = log2(o11 * N) - log2(r1 * f2);
    break;
  case RS_ASSOC_MI3: /* log2(O11^3 / E11) */
    if (o11 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = 3.0 * log2(o11) - log2(e11);
    break;
  case RS_ASSOC_T: /* NLTK student_t: (n_ii - n_ix*n_xi/n_xx) / sqrt(n_ii) */
    if (o11 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = (o11 - e11) / sqrt(o11);
    break;
  case RS_ASSOC_Z: /* (O11 - E11) / sqrt(E11) */
    if (e11 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = (o11 - e11) / sqrt(e11);
    break;
  case RS_ASSOC_LL: { /* NLTK likelihood_ratio: cells in NLTK's order
                         n_ii, n_oi, n_io, n_oo; E = row * column / N */
    double e21 = r2 * f2 / N, e12 = r1 * c2 / N, e22 = r2 * c2 / N;
    x = 2.0 * (oln(o11, e11) + oln(o21, e21) + oln(o12, e12) + oln(o22, e22));
    if (x < 0.0) x = 0.0; /* rounding when O = E in every cell */
    break;
  }
  case RS_ASSOC_CHI2: { /* NLTK chi_sq: n_xx * phi_sq */
    double den = r1 * f2 * r2 * c2, dif = o11 * o22 - o12 * o21;
    x = den > 0.0 ? N * (dif * dif / den) : 0.0; /* zero marginal: O = E */
    break;
  }
  case RS_ASSOC_DICE: /* NLTK dice: 2 n_ii / (n_ix + n_xi) */
    if (f1 + f2 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = 2.0 * o11 / (f1 + f2);
    break;
  default: /* RS_ASSOC_LOGDICE, Rychly 2008 */
    if (o11 <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    x = 14.0 + log2(2.0 * o11 / (f1 + f2));
    break;
  }
  return result(x, RS_MEASURE_OK, st);
}

/* }====================================================== */

/* {====================================================== keyness */

static int keyness_ok(double a, double b, double c, double d) {
  return count_ok(a) && count_ok(b) && count_ok(c) && count_ok(d) && c > 0.0 &&
         d > 0.0 && a <= c && b <= d;
}

int rs_keyness_sign(double a, double b, double c, double d) {
  double l, r;
  if (!keyness_ok(a, b, c, d)) return 0;
  l = a * d; /* a/c vs b/d without division */
  r = b * c;
  return l > r ? 1 : l < r ? -1 : 0;
}

double rs_keyness(int measure, double a, double b, double c, double d, int *st) {
  double x;
  int sign, status = RS_MEASURE_OK;
  if (measure < 0 || measure >= RS_KEY_COUNT || !keyness_ok(a, b, c, d))
    return result(0, RS_EINVAL, st);
  sign = rs_keyness_sign(a, b, c, d);
  switch (measure) {
  case RS_KEY_LL: { /* Rayson: G2 = 2 (a ln(a/E1) + b ln(b/E2)) */
    double e1 = c * (a + b) / (c + d), e2 = d * (a + b) / (c + d);
    x = 2.0 * (oln(a, e1) + oln(b, e2));
    if (x < 0.0 || sign == 0) x = 0.0;
    if (sign < 0 && x > 0.0) x = -x;
    break;
  }
  case RS_KEY_CHI2: { /* (c+d) (a(d-b) - b(c-a))^2 / ((a+b)(c+d-a-b) c d) */
    double n = c + d, dif = a * (d - b) - b * (c - a);
    double den = (a + b) * (n - a - b) * c * d;
    x = den > 0.0 ? n * (dif * dif / den) : 0.0; /* zero marginal: O = E */
    if (sign < 0 && x > 0.0) x = -x;
    break;
  }
  case RS_KEY_LOGRATIO: /* Hardie: log2((a/c) / (b/d)), 0 -> 0.5 */
    if (a <= 0.0 && b <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    if (a <= 0.0) a = 0.5, status = RS_MEASURE_SMOOTHED;
    if (b <= 0.0) b = 0.5, status = RS_MEASURE_SMOOTHED;
    x = log2((a / c) / (b / d));
    break;
  default: { /* RS_KEY_PDIFF, Gabrielatos & Marchi: (NFt - NFr) 100 / NFr */
    double nft, nfr;
    if (a <= 0.0 && b <= 0.0) return result(0, RS_MEASURE_UNDEF, st);
    if (b <= 0.0) b = 0.5, status = RS_MEASURE_SMOOTHED;
    nft = a / c;
    nfr = b / d;
    x = (nft - nfr) * 100.0 / nfr;
    break;
  }
  }
  return result(x, status, st);
}

double rs_chi2_p1(double x) {
  if (x < 0.0) x = -x;
  if (!(x > 0.0)) return 1.0; /* 0 or NaN */
  if (isinf(x)) return 0.0;
  return erfc(sqrt(x / 2.0));
}

double rs_bonferroni(double p, double m) {
  double q;
  if (!(p <= 1.0)) return 1.0; /* NaN or > 1 */
  if (p < 0.0) return 0.0;
  if (!(m >= 1.0)) m = 1.0;
  q = p * m;
  return q < 1.0 ? q : 1.0;
}

/* }====================================================== */

/* {====================================================== dispersion */

int rs_dispersion(const double *v, const double *s, size_t k, rs_disp *out) {
  size_t i, n = 0, range = 0;
  double f = 0.0, S = 0.0, smin = 0.0, mean, var, dev, dp;
  memset(out, 0, sizeof *out);
  for (i = 0; i < k; i++) {
    if (!count_ok(v[i]) || !count_ok(s[i]) || v[i] > s[i]) {
      out->undef = RS_DISP_D | RS_DISP_DP | RS_DISP_DPNORM;
      return RS_EINVAL;
    }
    if (s[i] <= 0.0) continue; /* an empty part: ignored */
    if (n == 0 || s[i] < smin) smin = s[i];
    n++;
    if (v[i] > 0.0) range++;
    f += v[i];
    S += s[i];
  }
  out->range = range;
  out->parts = n;
  out->freq = f;
  out->size = S;
  if (f <= 0.0) {
    out->undef = RS_DISP_D | RS_DISP_DP | RS_DISP_DPNORM;
    return RS_OK;
  }

  /* DP = 0.5 * sum |v_i/f - s_i/S| (Gries 2008) */
  dp = 0.0;
  for (i = 0; i < k; i++)
    if (s[i] > 0.0) dp += fabs(v[i] / f - s[i] / S);
  dp *= 0.5;
  if (dp > 1.0) dp = 1.0;
  out->dp = dp;

  if (n < 2) { /* one part: D is 0/0, and 1 - min s/S = 0 */
    out->undef = RS_DISP_D | RS_DISP_DPNORM;
    return RS_OK;
  }

  /* DPnorm = DP / (1 - min s_i/S) (Lijffijt & Gries 2012); n >= 2 non-empty
  ** parts make min s_i < S */
  out->dp_norm = dp / (1.0 - smin / S);
  if (out->dp_norm > 1.0) out->dp_norm = 1.0;

  /* Juilland's D on p_i = v_i/s_i (Gries 2008): 1 - (sd/mean)/sqrt(n-1),
  ** population sd; mean > 0 because f > 0 */
  mean = 0.0;
  for (i = 0; i < k; i++)
    if (s[i] > 0.0) mean += v[i] / s[i];
  mean /= (double)n;
  var = 0.0;
  for (i = 0; i < k; i++)
    if (s[i] > 0.0) {
      dev = v[i] / s[i] - mean;
      var += dev * dev;
    }
  var /= (double)n;
  out->juilland_d = 1.0 - (sqrt(var) / mean) / sqrt((double)(n - 1));
  if (out->juilland_d < 0.0) out->juilland_d = 0.0;
  if (out->juilland_d > 1.0) out->juilland_d = 1.0;
  return RS_OK;
}

/* }====================================================== */

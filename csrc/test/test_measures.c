/* Unit tests of the measures engine (measures.c), from C alone. Every
** expected value is worked out by hand in the comment next to it; the
** formulas and their sources are in measures.h. */
#include <math.h>

#include "check.h"
#include "measures.h"

/* relative (or, near 0, absolute) closeness */
static int near(double x, double want, double tol) {
  double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
  return isfinite(x) && fabs(x - want) <= tol * scale;
}

#define TOL 1e-12

#define CHECK_NEAR(x, want)                                                   \
  do {                                                                        \
    double check_x_ = (x), check_w_ = (want);                                 \
    if (!near(check_x_, check_w_, TOL)) {                                     \
      fprintf(stderr, "%s:%d: %s: %s == %.17g, expected %.17g\n", __FILE__,   \
              __LINE__, check_cur_name, #x, check_x_, check_w_);              \
      check_cur_failed = 1;                                                   \
    }                                                                         \
  } while (0)

static double assoc(const char *name, double o11, double f1, double f2, double N,
                    double span, int *st) {
  return rs_assoc(rs_assoc_measure(name), o11, f1, f2, N, span, st);
}

static double key(const char *name, double a, double b, double c, double d, int *st) {
  return rs_keyness(rs_keyness_measure(name), a, b, c, d, st);
}

static void test_names(void) {
  int i;
  CHECK_EQ_INT(rs_assoc_measure("mi"), RS_ASSOC_MI);
  CHECK_EQ_INT(rs_assoc_measure("logdice"), RS_ASSOC_LOGDICE);
  CHECK_EQ_INT(rs_assoc_measure("chi2"), RS_ASSOC_CHI2);
  CHECK_EQ_INT(rs_assoc_measure("MI"), -1); /* names are case-sensitive */
  CHECK_EQ_INT(rs_assoc_measure("foo"), -1);
  CHECK_EQ_INT(rs_assoc_measure(""), -1);
  CHECK_EQ_INT(rs_assoc_measure(NULL), -1);
  for (i = 0; i < RS_ASSOC_COUNT; i++)
    CHECK_EQ_INT(rs_assoc_measure(rs_assoc_name(i)), i);
  CHECK(rs_assoc_name(-1) == NULL);
  CHECK(rs_assoc_name(RS_ASSOC_COUNT) == NULL);
  CHECK_EQ_STR(rs_assoc_valid(), "mi, mi3, t, z, ll, logdice, dice, chi2");

  CHECK_EQ_INT(rs_keyness_measure("ll"), RS_KEY_LL);
  CHECK_EQ_INT(rs_keyness_measure("pdiff"), RS_KEY_PDIFF);
  CHECK_EQ_INT(rs_keyness_measure("mi"), -1);
  for (i = 0; i < RS_KEY_COUNT; i++)
    CHECK_EQ_INT(rs_keyness_measure(rs_keyness_name(i)), i);
  CHECK(rs_keyness_name(RS_KEY_COUNT) == NULL);
  CHECK_EQ_STR(rs_keyness_valid(), "ll, chi2, logratio, pdiff");
  CHECK(rs_keyness_has_p(RS_KEY_LL) && rs_keyness_has_p(RS_KEY_CHI2));
  CHECK(!rs_keyness_has_p(RS_KEY_LOGRATIO) && !rs_keyness_has_p(RS_KEY_PDIFF));
}

/* Table A: o11 = 2, f1 = 4, f2 = 5, N = 20, span 1.
**   E11 = 4*5/20 = 1
**   O11 = 2   O12 = 4-2 = 2    R1 = 4
**   O21 = 5-2 = 3   O22 = 20-4-5+2 = 13   R2 = 16;   C1 = 5, C2 = 15
**   E12 = 4*15/20 = 3, E21 = 16*5/20 = 4, E22 = 16*15/20 = 12 */
static void test_assoc_table_a(void) {
  int st = -99;
  /* mi = log2(O11/E11) = log2(2/1) = 1 */
  CHECK_NEAR(assoc("mi", 2, 4, 5, 20, 1, &st), 1.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* mi3 = log2(2^3/1) = 3 */
  CHECK_NEAR(assoc("mi3", 2, 4, 5, 20, 1, &st), 3.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* t = (2-1)/sqrt(2) = 0.70710678118654752 */
  CHECK_NEAR(assoc("t", 2, 4, 5, 20, 1, &st), 0.70710678118654752);
  /* z = (2-1)/sqrt(1) = 1 */
  CHECK_NEAR(assoc("z", 2, 4, 5, 20, 1, &st), 1.0);
  /* ll = 2*(2 ln(2/1) + 2 ln(2/3) + 3 ln(3/4) + 13 ln(13/12))
  **    = 2*(1.3862943611198906 - 0.8109302162163289
  **         - 0.8630462173553427 + 1.0405551997559725)
  **    = 2*0.7528731273041915 = 1.505746254608383 */
  CHECK_NEAR(assoc("ll", 2, 4, 5, 20, 1, &st), 1.505746254608383);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* chi2 = N (O11 O22 - O12 O21)^2 / (R1 R2 C1 C2)
  **      = 20 (26 - 6)^2 / (4*16*5*15) = 8000/4800 = 5/3 */
  CHECK_NEAR(assoc("chi2", 2, 4, 5, 20, 1, &st), 5.0 / 3.0);
  /* dice = 2*2/(4+5) = 4/9 */
  CHECK_NEAR(assoc("dice", 2, 4, 5, 20, 1, &st), 4.0 / 9.0);
  /* logdice = 14 + log2(4/9) = 16 - 2 log2(3) = 16 - 3.1699250014423124 */
  CHECK_NEAR(assoc("logdice", 2, 4, 5, 20, 1, &st), 12.830074998557688);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* st may be NULL */
  CHECK_NEAR(assoc("mi", 2, 4, 5, 20, 1, NULL), 1.0);
}

/* Span: o11 = 2, f1 = 2, f2 = 5, N = 20, span 2 gives R1 = f1*span = 4,
** the same table as A (E11 = 2*5*2/20 = 1), so mi..chi2 are those of A;
** dice and logdice use the frequencies: dice = 4/7,
** logdice = 14 + log2(4/7) = 16 - log2(7) = 16 - 2.807354922057604 */
static void test_assoc_span(void) {
  int st;
  CHECK_NEAR(assoc("mi", 2, 2, 5, 20, 2, &st), 1.0);
  CHECK_NEAR(assoc("mi3", 2, 2, 5, 20, 2, &st), 3.0);
  CHECK_NEAR(assoc("t", 2, 2, 5, 20, 2, &st), 0.70710678118654752);
  CHECK_NEAR(assoc("z", 2, 2, 5, 20, 2, &st), 1.0);
  CHECK_NEAR(assoc("ll", 2, 2, 5, 20, 2, &st), 1.505746254608383);
  CHECK_NEAR(assoc("chi2", 2, 2, 5, 20, 2, &st), 5.0 / 3.0);
  CHECK_NEAR(assoc("dice", 2, 2, 5, 20, 2, &st), 4.0 / 7.0);
  CHECK_NEAR(assoc("logdice", 2, 2, 5, 20, 2, &st), 13.192645077942396);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* L5-R5 (span 10): o11 = 3, f1 = 2, f2 = 6, N = 120:
  ** E11 = 2*6*10/120 = 1, mi = log2(3) = 1.584962500721156,
  ** z = (3-1)/1 = 2, t = 2/sqrt(3) = 1.1547005383792515 */
  CHECK_NEAR(assoc("mi", 3, 2, 6, 120, 10, &st), 1.584962500721156);
  CHECK_NEAR(assoc("z", 3, 2, 6, 120, 10, &st), 2.0);
  CHECK_NEAR(assoc("t", 3, 2, 6, 120, 10, &st), 1.1547005383792515);
}

/* Zero cells: o11 = 0, f1 = 4, f2 = 5, N = 20: O = 0, 4, 5, 11; E = 1, 3,
** 4, 12 */
static void test_assoc_zero(void) {
  int st = -99;
  double x;
  /* log2(0), 0/sqrt(0): undefined, 0.0 returned */
  x = assoc("mi", 0, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  x = assoc("mi3", 0, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  x = assoc("t", 0, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  x = assoc("logdice", 0, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  /* z = (0-1)/1 = -1 */
  CHECK_NEAR(assoc("z", 0, 4, 5, 20, 1, &st), -1.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* ll = 2*(0 + 4 ln(4/3) + 5 ln(5/4) + 11 ln(11/12))
  **    = 2*(1.1507282898071234 + 1.1157177565710488 - 0.9571251468859279)
  **    = 2.6186417989844886 */
  CHECK_NEAR(assoc("ll", 0, 4, 5, 20, 1, &st), 2.6186417989844886);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* chi2 = 20 (0*11 - 4*5)^2 / 4800 = 8000/4800 = 5/3 (not signed) */
  CHECK_NEAR(assoc("chi2", 0, 4, 5, 20, 1, &st), 5.0 / 3.0);
  /* dice = 0/9 = 0, defined */
  x = assoc("dice", 0, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);

  /* a zero marginal, f2 = 0 (so o11 = 0): O = 0, 4, 0, 16 = E, so
  ** ll = 0, chi2 = 0 (OK); z divides by sqrt(E11) = 0: UNDEF */
  x = assoc("ll", 0, 4, 0, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  x = assoc("chi2", 0, 4, 0, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  x = assoc("z", 0, 4, 0, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  /* f1 = f2 = 0: dice is 0/0 */
  x = assoc("dice", 0, 0, 0, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  /* the whole corpus is the pair (o11 = f1 = f2 = N = 3): R2 = C2 = 0,
  ** ll = 2*3 ln(3/3) = 0, chi2 = 0 (zero marginal), mi = log2(9/9) = 0 */
  x = assoc("ll", 3, 3, 3, 3, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  x = assoc("chi2", 3, 3, 3, 3, 1, &st);
  CHECK(x == 0.0);
  CHECK_NEAR(assoc("mi", 3, 3, 3, 3, 1, &st), 0.0);
  /* every measure, every small table: always finite */
  {
    int m;
    double o, a, b, n;
    for (m = 0; m < RS_ASSOC_COUNT; m++)
      for (n = 1; n <= 6; n++)
        for (a = 0; a <= n; a++)
          for (b = 0; b <= n; b++)
            for (o = 0; o <= a && o <= b; o++) {
              x = rs_assoc(m, o, a, b, n, 1, &st);
              CHECK(isfinite(x));
              if (a + b - o > n) CHECK_EQ_INT(st, RS_EINVAL);
              else CHECK(st == RS_MEASURE_OK || st == RS_MEASURE_UNDEF);
              if (st != RS_MEASURE_OK) CHECK(x == 0.0);
            }
  }
}

static void test_assoc_invalid(void) {
  int st = -99;
  double x;
  x = rs_assoc(-1, 2, 4, 5, 20, 1, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_EINVAL);
  rs_assoc(RS_ASSOC_COUNT, 2, 4, 5, 20, 1, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", -1, 4, 5, 20, 1, &st); /* negative */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, -4, 5, 20, 1, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, 4, 5, NAN, 1, &st); /* NaN, inf */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, 4, INFINITY, 20, 1, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, 4, 5, 1e300, 1, &st); /* above 2^53 */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 0, 0, 0, 0, 1, &st); /* N = 0 */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 6, 8, 5, 20, 1, &st); /* o11 > f2 */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 5, 4, 5, 20, 1, &st); /* o11 > f1 * span */
  CHECK_EQ_INT(st, RS_EINVAL);
  CHECK_NEAR(assoc("mi", 5, 4, 5, 20, 2, &st), log2(5.0 * 20 / 40)); /* ok with span 2 */
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  assoc("mi", 1, 11, 5, 20, 2, &st); /* R1 = 22 > N */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 0, 15, 10, 20, 1, &st); /* O22 = 20 - 15 - 10 + 0 < 0 */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, 4, 5, 20, 0.5, &st); /* span < 1 */
  CHECK_EQ_INT(st, RS_EINVAL);
  assoc("mi", 2, 4, 5, 20, NAN, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
}

/* Keyness, a hand-worked Rayson example: a = 10 in a target of c = 1000,
** b = 5 in a reference of d = 2000.
**   E1 = 1000*15/3000 = 5, E2 = 2000*15/3000 = 10
**   G2 = 2 (10 ln(10/5) + 5 ln(5/10)) = 2 (10 - 5) ln 2 = 10 ln 2
**      = 6.931471805599453, "+" (10/1000 > 5/2000)
**   p = erfc(sqrt(6.931471805599453/2)) = 0.00846919650753501 (< 0.01,
**   above Rayson's 6.63 cut-off)
**   chi2 = 3000 (10*1995 - 5*990)^2 / (15*2985*1000*2000)
**        = 3000 * 15000^2 / 8.955e10 = 6.75e11/8.955e10 = 1500/199
**   logratio = log2((10/1000)/(5/2000)) = log2(0.01/0.0025) = log2 4 = 2
**   pdiff = (0.01 - 0.0025)*100/0.0025 = 300 (10000 vs 2500 per million) */
static void test_keyness_rayson(void) {
  int st = -99;
  double x;
  x = key("ll", 10, 5, 1000, 2000, &st);
  CHECK_NEAR(x, 6.931471805599453);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK_NEAR(rs_chi2_p1(x), 0.00846919650753501);
  x = key("chi2", 10, 5, 1000, 2000, &st);
  CHECK_NEAR(x, 1500.0 / 199.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK_NEAR(rs_chi2_p1(x), 0.006042151085816345);
  CHECK_NEAR(key("logratio", 10, 5, 1000, 2000, &st), 2.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK_NEAR(key("pdiff", 10, 5, 1000, 2000, &st), 300.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK_EQ_INT(rs_keyness_sign(10, 5, 1000, 2000), 1);
}

/* Underuse: a = 5, b = 20, c = 1000, d = 2000 (5000 vs 10000 per million)
**   E1 = 1000*25/3000 = 25/3, E2 = 50/3
**   G2 = 2 (5 ln(5/(25/3)) + 20 ln(20/(50/3))) = 10 ln 0.6 + 40 ln 1.2
**      = -5.108256237659907 + 7.292862271758183 = 2.1846060340982767,
**   shown as -2.1846060340982767 ("-")
**   chi2 = 3000 (5*1980 - 20*995)^2 / (25*2975*1000*2000)
**        = 3000 * 10000^2 / 1.4875e11 = 240/119, shown negative
**   logratio = log2(0.005/0.01) = -1; pdiff = (0.005-0.01)*100/0.01 = -50 */
static void test_keyness_underuse(void) {
  int st;
  double x;
  x = key("ll", 5, 20, 1000, 2000, &st);
  CHECK_NEAR(x, -2.1846060340982767);
  CHECK_NEAR(rs_chi2_p1(x), 0.1393967287373939); /* |x| used */
  CHECK_NEAR(key("chi2", 5, 20, 1000, 2000, &st), -240.0 / 119.0);
  CHECK_NEAR(key("logratio", 5, 20, 1000, 2000, &st), -1.0);
  CHECK_NEAR(key("pdiff", 5, 20, 1000, 2000, &st), -50.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK_EQ_INT(rs_keyness_sign(5, 20, 1000, 2000), -1);
  /* equal relative frequencies: 2/1000 = 4/2000, everything 0 */
  x = key("ll", 2, 4, 1000, 2000, &st);
  CHECK(x == 0.0 && !signbit(x));
  x = key("chi2", 2, 4, 1000, 2000, &st);
  CHECK(x == 0.0);
  CHECK_NEAR(key("logratio", 2, 4, 1000, 2000, &st), 0.0);
  CHECK_NEAR(key("pdiff", 2, 4, 1000, 2000, &st), 0.0);
  CHECK_EQ_INT(rs_keyness_sign(2, 4, 1000, 2000), 0);
}

static void test_keyness_zero(void) {
  int st = -99;
  double x;
  /* a = 0, b = 5: E2 = 2000*5/3000 = 10/3, G2 = 2*(0 + 5 ln(5/(10/3)))
  ** = 10 ln 1.5 = 4.054651081081644, "-" */
  CHECK_NEAR(key("ll", 0, 5, 1000, 2000, &st), -4.054651081081644);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* chi2 = 3000 (0 - 5*1000)^2 / (5*2995*1000*2000) = 7.5e10/2.995e10
  ** = 1500/599, "-" */
  CHECK_NEAR(key("chi2", 0, 5, 1000, 2000, &st), -1500.0 / 599.0);
  /* logratio: a -> 0.5: log2((0.5/1000)/(5/2000)) = log2(0.2) */
  CHECK_NEAR(key("logratio", 0, 5, 1000, 2000, &st), -2.321928094887362);
  CHECK_EQ_INT(st, RS_MEASURE_SMOOTHED);
  /* pdiff needs no smoothing for a = 0: (0 - 0.0025)*100/0.0025 = -100 */
  CHECK_NEAR(key("pdiff", 0, 5, 1000, 2000, &st), -100.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);

  /* a = 5, b = 0: E1 = 1000*5/3000 = 5/3, G2 = 2*5 ln(5/(5/3)) = 10 ln 3 */
  CHECK_NEAR(key("ll", 5, 0, 1000, 2000, &st), 10.986122886681098);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  /* chi2 = 3000 (5*2000 - 0)^2 / (5*2995*1000*2000) = 3e11/2.995e10 */
  CHECK_NEAR(key("chi2", 5, 0, 1000, 2000, &st), 6000.0 / 599.0);
  /* logratio: b -> 0.5: log2((5/1000)/(0.5/2000)) = log2(20) */
  CHECK_NEAR(key("logratio", 5, 0, 1000, 2000, &st), 4.321928094887363);
  CHECK_EQ_INT(st, RS_MEASURE_SMOOTHED);
  /* pdiff: b -> 0.5: (0.005 - 0.00025)*100/0.00025 = 1900 = (2^LR - 1)*100 */
  CHECK_NEAR(key("pdiff", 5, 0, 1000, 2000, &st), 1900.0);
  CHECK_EQ_INT(st, RS_MEASURE_SMOOTHED);

  /* a = b = 0: ll = 0 and chi2 = 0 (zero marginal), p = 1; logratio and
  ** pdiff are 0/0 */
  x = key("ll", 0, 0, 1000, 2000, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  CHECK(rs_chi2_p1(x) == 1.0);
  x = key("chi2", 0, 0, 1000, 2000, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);
  x = key("logratio", 0, 0, 1000, 2000, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);
  x = key("pdiff", 0, 0, 1000, 2000, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_UNDEF);

  /* the word is the whole of both corpora: a = c, b = d; E1 = c, E2 = d,
  ** G2 = 0; chi2 zero marginal (c+d-a-b = 0) -> 0 */
  x = key("ll", 10, 20, 10, 20, &st);
  CHECK(x == 0.0);
  x = key("chi2", 10, 20, 10, 20, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_MEASURE_OK);

  /* every measure, small tables: always finite */
  {
    int m;
    double a, b, c, d;
    for (m = 0; m < RS_KEY_COUNT; m++)
      for (c = 1; c <= 5; c++)
        for (d = 1; d <= 5; d++)
          for (a = 0; a <= c; a++)
            for (b = 0; b <= d; b++) {
              x = rs_keyness(m, a, b, c, d, &st);
              CHECK(isfinite(x));
              CHECK(st != RS_EINVAL);
            }
  }
}

static void test_keyness_invalid(void) {
  int st = -99;
  double x = rs_keyness(-1, 1, 1, 10, 10, &st);
  CHECK(x == 0.0);
  CHECK_EQ_INT(st, RS_EINVAL);
  rs_keyness(RS_KEY_COUNT, 1, 1, 10, 10, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  key("ll", -1, 1, 10, 10, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  key("ll", 11, 1, 10, 10, &st); /* a > c */
  CHECK_EQ_INT(st, RS_EINVAL);
  key("ll", 1, 11, 10, 10, &st); /* b > d */
  CHECK_EQ_INT(st, RS_EINVAL);
  key("ll", 0, 1, 0, 10, &st); /* c = 0 */
  CHECK_EQ_INT(st, RS_EINVAL);
  key("chi2", 0, 0, 10, 0, &st); /* d = 0 */
  CHECK_EQ_INT(st, RS_EINVAL);
  key("logratio", NAN, 1, 10, 10, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  key("pdiff", 1, 1, INFINITY, 10, &st);
  CHECK_EQ_INT(st, RS_EINVAL);
  CHECK_EQ_INT(rs_keyness_sign(11, 1, 10, 10), 0);
}

/* chi-square critical values with 1 df: 3.841458820694124 (p = 0.05),
** 6.634896601021214 (0.01), 10.827566170662733 (0.001) */
static void test_pvalues(void) {
  CHECK_NEAR(rs_chi2_p1(3.841458820694124), 0.05);
  CHECK_NEAR(rs_chi2_p1(6.634896601021214), 0.01);
  CHECK_NEAR(rs_chi2_p1(10.827566170662733), 0.001);
  CHECK_NEAR(rs_chi2_p1(-3.841458820694124), 0.05);
  CHECK(rs_chi2_p1(0) == 1.0);
  CHECK(rs_chi2_p1(NAN) == 1.0);
  CHECK(rs_chi2_p1(INFINITY) == 0.0);
  CHECK(rs_chi2_p1(1e6) == 0.0); /* erfc underflows to 0, still finite */

  /* Bonferroni: p*m capped at 1 */
  CHECK_NEAR(rs_bonferroni(0.01, 10), 0.1);
  CHECK_NEAR(rs_bonferroni(0.001, 50), 0.05);
  CHECK(rs_bonferroni(0.2, 10) == 1.0);
  CHECK_NEAR(rs_bonferroni(0.3, 0), 0.3); /* m < 1 taken as 1 */
  CHECK(rs_bonferroni(NAN, 3) == 1.0);
  CHECK(rs_bonferroni(-0.5, 3) == 0.0);
  CHECK(rs_bonferroni(0.5, NAN) == 0.5);
}

/* Gries 2008's example: a corpus of 50 words in 5 parts of sizes 9, 10,
** 10, 10, 11 (proportions s = .18, .2, .2, .2, .22); the word a occurs
** v = 1, 2, 3, 4, 5 times (f = 15).
** DP: v/f = 1/15, 2/15, 3/15, 4/15, 5/15
**     |v/f - s| = 17/150, 1/15, 0, 1/15, 17/150, sum = 54/150 = 9/25
**     DP = 0.5 * 9/25 = 9/50 = 0.18
** DPnorm = 0.18 / (1 - 0.18) = 9/41 = 0.21951219512195122
** Juilland's D on p = v/s = 1/9, 2/10, 3/10, 4/10, 5/11:
**     mean = 1451/4950 = 0.29313131313131313
**     population variance = sum (p - mean)^2 / 5 = 97186/6125625
**                         = 0.015865483113967963, sd = 0.12595825941147315
**     V = sd/mean = 0.4296990930990986
**     D = 1 - V/sqrt(5-1) = 1 - 0.2148495465495493 = 0.7851504534504508 */
static void test_dispersion_gries(void) {
  const double v[] = {1, 2, 3, 4, 5}, s[] = {9, 10, 10, 10, 11};
  rs_disp D;
  CHECK_EQ_INT(rs_dispersion(v, s, 5, &D), RS_OK);
  CHECK_EQ_INT(D.range, 5);
  CHECK_EQ_INT(D.parts, 5);
  CHECK(D.freq == 15 && D.size == 50);
  CHECK_NEAR(D.dp, 0.18);
  CHECK_NEAR(D.dp_norm, 9.0 / 41.0);
  CHECK_NEAR(D.juilland_d, 0.7851504534504508);
  CHECK_EQ_INT(D.undef, 0);
}

static void test_dispersion_equal(void) {
  rs_disp D;
  {
    /* 4 equal parts of 10, v = 2, 0, 1, 1 (f = 4), Juilland's original on
    ** v: mean 1, population variance (1 + 1 + 0 + 0)/4 = 1/2,
    ** V = 1/sqrt(2), D = 1 - (1/sqrt 2)/sqrt 3 = 1 - 1/sqrt 6
    ** = 0.5917517095361369.
    ** DP = 0.5 (|2/4 - 1/4| + |0 - 1/4| + 0 + 0) = 1/4;
    ** DPnorm = (1/4)/(1 - 1/4) = 1/3 */
    const double v[] = {2, 0, 1, 1}, s[] = {10, 10, 10, 10};
    CHECK_EQ_INT(rs_dispersion(v, s, 4, &D), RS_OK);
    CHECK_EQ_INT(D.range, 3);
    CHECK_NEAR(D.juilland_d, 0.5917517095361369);
    CHECK_NEAR(D.dp, 0.25);
    CHECK_NEAR(D.dp_norm, 1.0 / 3.0);
  }
  {
    /* all in one part: V = sqrt(n-1), D = 0; DP = 0.5 (3/4 + 3 * 1/4)
    ** = 3/4 = 1 - min s/S, DPnorm = 1 */
    const double v[] = {5, 0, 0, 0}, s[] = {10, 10, 10, 10};
    CHECK_EQ_INT(rs_dispersion(v, s, 4, &D), RS_OK);
    CHECK_EQ_INT(D.range, 1);
    CHECK_NEAR(D.juilland_d, 0.0);
    CHECK_NEAR(D.dp, 0.75);
    CHECK_NEAR(D.dp_norm, 1.0);
  }
  {
    /* perfectly even: sd 0, D = 1; DP = 0, DPnorm = 0 */
    const double v[] = {1, 2, 3}, s[] = {10, 20, 30};
    CHECK_EQ_INT(rs_dispersion(v, s, 3, &D), RS_OK);
    CHECK_NEAR(D.juilland_d, 1.0);
    CHECK_NEAR(D.dp, 0.0);
    CHECK_NEAR(D.dp_norm, 0.0);
    CHECK_EQ_INT(D.undef, 0);
  }
}

static void test_dispersion_zero(void) {
  rs_disp D;
  {
    /* f = 0: D, DP, DPnorm undefined (0/0) */
    const double v[] = {0, 0, 0}, s[] = {10, 10, 10};
    CHECK_EQ_INT(rs_dispersion(v, s, 3, &D), RS_OK);
    CHECK_EQ_INT(D.range, 0);
    CHECK_EQ_INT(D.undef, RS_DISP_D | RS_DISP_DP | RS_DISP_DPNORM);
    CHECK(D.juilland_d == 0.0 && D.dp == 0.0 && D.dp_norm == 0.0);
  }
  {
    /* one part: DP = 0.5 |1 - 1| = 0; D has sqrt(0) in the denominator
    ** and DPnorm 1 - 10/10 = 0: both undefined */
    const double v[] = {3}, s[] = {10};
    CHECK_EQ_INT(rs_dispersion(v, s, 1, &D), RS_OK);
    CHECK_EQ_INT(D.range, 1);
    CHECK_NEAR(D.dp, 0.0);
    CHECK_EQ_INT(D.undef, RS_DISP_D | RS_DISP_DPNORM);
  }
  {
    /* an empty part is ignored: same as v = 1, 1 over s = 10, 10 */
    const double v[] = {1, 0, 1}, s[] = {10, 0, 10};
    CHECK_EQ_INT(rs_dispersion(v, s, 3, &D), RS_OK);
    CHECK_EQ_INT(D.parts, 2);
    CHECK_EQ_INT(D.range, 2);
    CHECK_NEAR(D.juilland_d, 1.0);
    CHECK_NEAR(D.dp, 0.0);
    CHECK_NEAR(D.dp_norm, 0.0);
    CHECK_EQ_INT(D.undef, 0);
  }
  {
    /* k = 0 */
    CHECK_EQ_INT(rs_dispersion(NULL, NULL, 0, &D), RS_OK);
    CHECK_EQ_INT(D.range, 0);
    CHECK_EQ_INT(D.undef, RS_DISP_D | RS_DISP_DP | RS_DISP_DPNORM);
  }
  {
    /* invalid: v > s, negative, NaN */
    const double v1[] = {1, 11}, s1[] = {10, 10};
    const double v2[] = {1, -1}, s2[] = {10, 10};
    const double v3[] = {1, NAN}, s3[] = {10, 10};
    CHECK_EQ_INT(rs_dispersion(v1, s1, 2, &D), RS_EINVAL);
    CHECK_EQ_INT(rs_dispersion(v2, s2, 2, &D), RS_EINVAL);
    CHECK_EQ_INT(rs_dispersion(v3, s3, 2, &D), RS_EINVAL);
    CHECK_EQ_INT(rs_dispersion(s3, v1, 2, &D), RS_EINVAL);
  }
}

int main(void) {
  RUN(test_names);
  RUN(test_assoc_table_a);
  RUN(test_assoc_span);
  RUN(test_assoc_zero);
  RUN(test_assoc_invalid);
  RUN(test_keyness_rayson);
  RUN(test_keyness_underuse);
  RUN(test_keyness_zero);
  RUN(test_keyness_invalid);
  RUN(test_pvalues);
  RUN(test_dispersion_gries);
  RUN(test_dispersion_equal);
  RUN(test_dispersion_zero);
  CHECK_DONE();
}

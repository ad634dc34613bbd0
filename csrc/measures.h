/*
** measures.h: association, keyness and dispersion measures (measures.c).
** Plain functions of counts, no allocation, no lua.h: the corpus code calls
** them in bulk, the Lua binding (lmeasures.c) one at a time.
**
** ======================================================================
** Status convention (every scoring function)
** ======================================================================
** Every function returns a FINITE double, never NaN or +-inf, and stores a
** status in *st (st may be NULL):
**   RS_MEASURE_OK       the score as published.
**   RS_MEASURE_SMOOTHED a zero cell was replaced as documented for that
**                       measure (Log Ratio, %DIFF); the score is finite and
**                       meaningful, but depends on the smoothing constant.
**   RS_MEASURE_UNDEF    the measure is undefined for these counts (log of 0,
**                       0/0); the function returns 0.0. This is the
**                       "omit-row" flag: a caller ranking collocates or
**                       keywords leaves the row out (the Lua binding
**                       returns nil). Which counts give UNDEF is listed
**                       with each measure below.
**   RS_EINVAL           the counts are not a possible table (negative,
**                       NaN/inf, o11 > f2, a > c, ...) or the measure is
**                       unknown; the function returns 0.0.
** Conventions for zero cells used by every measure: 0 * ln 0 = 0 (a cell
** with O = 0 adds nothing to G2), and in Pearson's chi-square a cell with
** E = 0 (hence O = 0) adds nothing, so a table with a zero marginal has
** chi2 = 0 (OK, not UNDEF).
**
** ======================================================================
** Association of a node and a collocate (rs_assoc)
** ======================================================================
** Counts: o11 co-occurrences of the pair (within the window), f1 the node's
** frequency, f2 the collocate's, N the corpus size (tokens; for bigrams the
** number of bigrams, as in NLTK), span the number of window positions per
** node occurrence (1 for adjacent bigrams; L5-R5 gives span = 10).
**
** The 2x2 table (Evert 2008, "Corpora and collocations", surface
** co-occurrence, and the CWB/UCS convention): the window positions around
** all node occurrences form the first row, so
**     R1 = f1 * span          C1 = f2
**     O11 = o11   O12 = R1 - o11   O21 = f2 - o11   O22 = N - R1 - f2 + o11
**     E_ij = R_i * C_j / N,   in particular E11 = f1 * f2 * span / N.
** With span = 1 this is NLTK's bigram table (n_ii, n_ix, n_xi, n_xx) and
** mi, t, ll, chi2, dice equal nltk.metrics.association.BigramAssocMeasures
** pmi, student_t, likelihood_ratio, chi_sq, dice (the specs check 1e-9).
** Valid counts: all finite and >= 0, N > 0, span >= 1, o11 <= f2,
** o11 <= R1, R1 <= N, f2 <= N, O22 >= 0; anything else is RS_EINVAL.
**
**   mi       log2(O11 / E11), computed as NLTK's pmi: log2(o11 * N) -
**            log2(f1 * span * f2). (Church & Hanks 1990; Manning & Schuetze
**            5.4.) UNDEF when o11 = 0.
**   mi3      log2(O11^3 / E11). (Daille 1994; Oakes 1998; Evert's UCS.)
**            UNDEF when o11 = 0.
**   t        (O11 - E11) / sqrt(O11). (Church et al. 1991; NLTK's
**            student_t, which adds 1e-20 under the root only to avoid 0/0.)
**            UNDEF when o11 = 0.
**   z        (O11 - E11) / sqrt(E11). (Dennis 1965; Evert's UCS z-score.)
**            UNDEF when E11 = 0 (f1 = 0 or f2 = 0).
**   ll       G2 = 2 * sum over the 4 cells of O * ln(O / E), 0 ln 0 = 0.
**            (Dunning 1993; NLTK's likelihood_ratio.) Not signed. Always
**            defined.
**   chi2     Pearson's X2 on the 4 cells, no Yates correction, computed as
**            NLTK's chi_sq: N * (O11*O22 - O12*O21)^2 / (R1*R2*C1*C2).
**            0 when a marginal is 0. Always defined.
**   dice     2 * o11 / (f1 + f2), from the word frequencies (span does not
**            enter). (Dice 1945; NLTK's dice.) UNDEF when f1 + f2 = 0.
**   logdice  14 + log2(2 * o11 / (f1 + f2)), span does not enter.
**            (Rychly 2008, "A lexicographer-friendly association score".)
**            UNDEF when o11 = 0.
**
** ======================================================================
** Keyness of a word, target vs reference corpus (rs_keyness)
** ======================================================================
** a, b: the word's frequency in the target and in the reference corpus;
** c, d: the sizes of the target and of the reference corpus (tokens).
** Valid: all finite, a, b >= 0, c, d > 0, a <= c, b <= d; else RS_EINVAL.
** Direction: every keyness score is SIGNED, positive when the word is
** relatively more frequent in the target (a/c > b/d, "overuse", Rayson's
** "+"), negative for underuse ("-"), and |score| is the published value.
**
**   ll       Rayson's log-likelihood (ucrel.lancs.ac.uk/llwizard.html;
**            Rayson & Garside 2000): E1 = c*(a+b)/(c+d),
**            E2 = d*(a+b)/(c+d), G2 = 2*(a*ln(a/E1) + b*ln(b/E2)),
**            0 ln 0 = 0. This is Rayson's two-term form, not the four-cell
**            G2 of rs_assoc. a = b = 0 gives 0. Always defined.
**   chi2     Pearson's X2 of the 2x2 table [[a, b], [c-a, d-b]] without
**            Yates correction: (c+d)*(a*(d-b) - b*(c-a))^2 /
**            ((a+b)*(c+d-a-b)*c*d); 0 when a marginal is 0.
**   logratio Hardie's Log Ratio (Hardie 2014, CQPweb): log2((a/c)/(b/d)).
**            A zero frequency (a or b) is replaced by 0.5 before
**            normalising (SMOOTHED). UNDEF when a = b = 0.
**   pdiff    %DIFF (Gabrielatos & Marchi 2012): (NF_t - NF_r)*100/NF_r,
**            NF_t = a/c, NF_r = b/d (the per-million base cancels). When
**            b = 0, b is replaced by 0.5 as for Log Ratio (SMOOTHED; so
**            pdiff = (2^logratio - 1)*100 whenever a > 0) rather than by
**            an arbitrary tiny number. UNDEF when a = b = 0.
**
** p-values: rs_chi2_p1(|score|) for ll and chi2 (chi-square, 1 df:
** p = erfc(sqrt(x/2))); Log Ratio and %DIFF are effect sizes, no p.
**
** ======================================================================
** Dispersion over k corpus parts (rs_dispersion)
** ======================================================================
** v[i]: the word's frequency in part i, s[i]: the size of part i (tokens).
** Valid: finite, v[i] >= 0, s[i] >= 0, v[i] <= s[i]; else RS_EINVAL.
** Parts of size 0 (hence v = 0) are ignored by every measure, as if absent;
** n below is the number of non-empty parts, f = sum v, S = sum s.
**
**   range       the number of parts with v[i] > 0.
**   juilland_d  Juilland's D in the formulation for parts of unequal size
**               of Gries 2008 ("Dispersions and adjusted frequencies in
**               corpora", IJCL 13(4)): p_i = v_i/s_i, V = sd(p)/mean(p)
**               with the population sd (divide by n), D = 1 - V/sqrt(n-1).
**               With equal parts this is Juilland's original D (Juilland &
**               Chang-Rodriguez 1964) on the raw frequencies. Clamped to
**               [0, 1] against rounding. UNDEF when f = 0 or n < 2.
**   dp          Gries' DP (Gries 2008): 0.5 * sum |v_i/f - s_i/S|.
**               UNDEF when f = 0.
**   dp_norm     DPnorm (Lijffijt & Gries 2012): DP / (1 - min_i s_i/S),
**               the minimum over non-empty parts. UNDEF when f = 0 or
**               n < 2.
** An UNDEF field holds 0 and has its bit set in rs_disp.undef.
*/
#ifndef ROSTRA_MEASURES_H
#define ROSTRA_MEASURES_H

#include <stddef.h>

#include "rostra.h"

/* statuses (RS_EINVAL, from rostra.h, for invalid input) */
#define RS_MEASURE_OK 0
#define RS_MEASURE_UNDEF 1
#define RS_MEASURE_SMOOTHED 2

/* {====================================================== association */

typedef enum rs_assoc_kind {
  RS_ASSOC_MI = 0,
  RS_ASSOC_MI3,
  RS_ASSOC_T,
  RS_ASSOC_Z,
  RS_ASSOC_LL,
  RS_ASSOC_LOGDICE,
  RS_ASSOC_DICE,
  RS_ASSOC_CHI2,
  RS_ASSOC_COUNT
} rs_assoc_kind;

/* "mi" -> RS_ASSOC_MI, ...; -1 for an unknown name (or NULL) */
int rs_assoc_measure(const char *name);
/* RS_ASSOC_MI -> "mi", ...; NULL when out of range */
const char *rs_assoc_name(int measure);
/* "mi, mi3, t, z, ll, logdice, dice, chi2", for error messages */
const char *rs_assoc_valid(void);

double rs_assoc(int measure, double o11, double f1, double f2, double N,
                double span, int *st);

/* }====================================================== */

/* {====================================================== keyness */

typedef enum rs_keyness_kind {
  RS_KEY_LL = 0,
  RS_KEY_CHI2,
  RS_KEY_LOGRATIO,
  RS_KEY_PDIFF,
  RS_KEY_COUNT
} rs_keyness_kind;

int rs_keyness_measure(const char *name); /* -1 when unknown */
const char *rs_keyness_name(int measure);
const char *rs_keyness_valid(void); /* "ll, chi2, logratio, pdiff" */
/* does the measure come with a p-value (ll, chi2) */
int rs_keyness_has_p(int measure);

double rs_keyness(int measure, double a, double b, double c, double d, int *st);

/* +1 when a/c > b/d (overuse in the target), -1 when a/c < b/d, 0 when
** equal or the counts are invalid */
int rs_keyness_sign(double a, double b, double c, double d);

/* upper-tail p-value of the chi-square distribution with 1 degree of
** freedom: erfc(sqrt(x/2)); 1 for x <= 0 or NaN, and |x| is used so a
** signed keyness score can be passed as is */
double rs_chi2_p1(double x);

/* Bonferroni correction for m tests: min(1, p * m); NaN p or p > 1 gives
** 1, p < 0 gives 0, m < 1 (or NaN) is taken as 1 */
double rs_bonferroni(double p, double m);

/* }====================================================== */

/* {====================================================== dispersion */

#define RS_DISP_D 0x01      /* juilland_d undefined */
#define RS_DISP_DP 0x02     /* dp undefined */
#define RS_DISP_DPNORM 0x04 /* dp_norm undefined */

typedef struct rs_disp {
  size_t range;      /* parts with v > 0 */
  size_t parts;      /* non-empty parts (n) */
  double freq, size; /* f = sum v, S = sum s */
  double juilland_d, dp, dp_norm;
  unsigned undef; /* RS_DISP_* bits: the field is undefined and holds 0 */
} rs_disp;

/* fills *out (zeroed on RS_EINVAL) and returns RS_OK or RS_EINVAL;
** k = 0 is valid: every field 0, all three undef bits set */
int rs_dispersion(const double *v, const double *s, size_t k, rs_disp *out);

/* }====================================================== */

#endif

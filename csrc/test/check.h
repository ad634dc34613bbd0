/*
** check.h: a tiny unit-test harness for the C engines.
** Each test file defines main() with RUN(test_fn) lines and ends with
** CHECK_DONE(), which prints "N passed, N failed" for the make test summary.
*/
#ifndef ROSTRA_CHECK_H
#define ROSTRA_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed, check_cur_failed;
static const char *check_cur_name;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, \
              check_cur_name, #cond);                                      \
      check_cur_failed = 1;                                                \
    }                                                                      \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
  do {                                                                       \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);          \
    if (check_a_ != check_b_) {                                              \
      fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__,    \
              __LINE__, check_cur_name, #a, check_a_, check_b_);             \
      check_cur_failed = 1;                                                  \
    }                                                                        \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                   \
  do {                                                                       \
    const char *check_a_ = (a), *check_b_ = (b);                             \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {         \
      fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, \
              __LINE__, check_cur_name, #a, check_a_ ? check_a_ : "(null)",  \
              check_b_ ? check_b_ : "(null)");                               \
      check_cur_failed = 1;                                                  \
    }                                                                        \
  } while (0)

#define RUN(fn)                                  \
  do {                                           \
    check_cur_name = #fn;                        \
    check_cur_failed = 0;                        \
    fn();                                        \
    if (check_cur_failed) check_failed++;        \
    else check_passed++;                         \
  } while (0)

#define CHECK_DONE()                                               \
  do {                                                             \
    printf("%d passed, %d failed\n", check_passed, check_failed); \
    return check_failed ? 1 : 0;                                   \
  } while (0)

#endif

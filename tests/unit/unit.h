/* A tiny TAP unit-test harness: each TEST is a function; CHECK records a
   failure with file:line and the expression; main() runs them in order and
   prints "ok N - name" / "not ok N - name", then "1..N". */
#ifndef CASCO_UNIT_H
#define CASCO_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_current_failed;
static int unit_total, unit_failures;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      printf ("#   %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);           \
      unit_current_failed = 1;                                                      \
    }                                                                               \
  } while (0)

#define CHECK_STR(a, b)                                                             \
  do {                                                                              \
    const char *_a = (a), *_b = (b);                                                \
    if (_a == NULL || _b == NULL || strcmp (_a, _b) != 0) {                         \
      printf ("#   %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, _a ? _a : "(null)", \
              _b ? _b : "(null)");                                                  \
      unit_current_failed = 1;                                                      \
    }                                                                               \
  } while (0)

/* CHECK that haystack contains needle (both strings). */
#define CHECK_CONTAINS(hay, needle)                                                 \
  do {                                                                              \
    const char *_h = (hay), *_n = (needle);                                         \
    if (_h == NULL || strstr (_h, _n) == NULL) {                                    \
      printf ("#   %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,      \
              _h ? _h : "(null)", _n);                                              \
      unit_current_failed = 1;                                                      \
    }                                                                               \
  } while (0)

#define RUN(fn)                                                                     \
  do {                                                                              \
    unit_current_failed = 0;                                                        \
    fn ();                                                                          \
    unit_total++;                                                                   \
    if (unit_current_failed)                                                        \
      unit_failures++;                                                              \
    printf ("%s %d - %s\n", unit_current_failed ? "not ok" : "ok", unit_total, #fn); \
  } while (0)

/* JSON written with ' for " keeps test configs readable: q returns a
   malloc'd copy with every ' turned into ". */
static inline char *
q (const char *s)
{
  char *r = strdup (s);
  if (r == NULL)
    abort ();
  for (char *p = r; *p; p++)
    if (*p == '\'')
      *p = '"';
  return r;
}

#define UNIT_DONE() (printf ("1..%d\n", unit_total), unit_failures ? 1 : 0)

#endif

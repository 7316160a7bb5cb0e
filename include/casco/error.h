/* casco — the one error type the library hands up to the CLI. */
#ifndef CASCO_ERROR_H
#define CASCO_ERROR_H

#include <stdarg.h>

/* An error carries the errno that caused it (0 when none), a message that
   says what failed and what to do, and for config errors the JSON path
   ("linux.namespaces[2].type").  Library functions return -1 and set *err;
   only src/ prints it and picks the exit code. */
struct casco_error
{
  int errno_;
  char *msg;
  char *json_path;
};

/* Always returns -1 so callers can write `return casco_error_set (...)`.
   When errno_ is non-zero ": strerror(errno_)" is appended. */
int casco_error_set (struct casco_error **err, int errno_, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Same, for a config value: message becomes "PATH: text". */
int casco_error_config (struct casco_error **err, const char *json_path, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Prefix an existing error's message with more context ("create: ..."). */
int casco_error_wrap (struct casco_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void casco_error_free (struct casco_error *err);
/* Full text: "PATH: msg" for config errors, else msg. Caller frees. */
char *casco_error_text (const struct casco_error *err);

#endif

/* casco — scope-based cleanup and small helpers shared by every module. */
#ifndef CASCO_UTIL_H
#define CASCO_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

void freep (void *p);
void closep (int *fd);
void fclosep (FILE **f);
void strv_freep (char ***v);

#define _cleanup_free_ __attribute__ ((cleanup (freep)))
#define _cleanup_close_ __attribute__ ((cleanup (closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (fclosep)))
#define _cleanup_strv_ __attribute__ ((cleanup (strv_freep)))
#define _cleanup_error_ __attribute__ ((cleanup (casco_error_freep)))

struct casco_error;
void casco_error_freep (struct casco_error **e);

/* Hand ownership out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__ (*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

/* Allocation failure is not recoverable in a runtime: abort loudly. */
void *xmalloc0 (size_t n);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
char *xvasprintf (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));

size_t strv_len (char *const *v);
void strv_free (char **v);
char **strv_dup (char *const *v);
/* Append a copy of s; returns the (reallocated) vector. */
char **strv_append (char **v, const char *s);

/* Send data (at least one byte) and one fd (SCM_RIGHTS) as one message. */
int send_with_fd (int sock, const void *data, size_t len, int fd);

/* Parse a decimal integer strictly (whole string, no overflow). */
int parse_long (const char *s, long *out);
/* The host user name of uid from /etc/passwd (malloc'd), or NULL.  Read
   directly, not through NSS: a static casco cannot load NSS modules. */
char *host_user_name (unsigned uid);

/* Close every fd from lo up, except the n fds in keep (sorted in place;
   negative entries and those below lo are ignored). */
void close_fds_except (unsigned lo, int *keep, size_t n);

/* The file I/O helpers (read_file_at, write_all, ...) live in fileio.c;
   declared here too for the modules that found them in util.h. */
#include "fileio.h"

#endif

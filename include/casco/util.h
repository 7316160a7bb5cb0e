/* casco — scope-based cleanup and small helpers shared by every module. */
#ifndef CASCO_UTIL_H
#define CASCO_UTIL_H

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

size_t strv_len (char *const *v);
void strv_free (char **v);
char **strv_dup (char *const *v);
/* Append a copy of s; returns the (reallocated) vector. */
char **strv_append (char **v, const char *s);

/* Write all of buf / read up to len, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
ssize_t read_all (int fd, void *buf, size_t len);
/* Read all of fd into a NUL-terminated buffer (what names it in errors). */
int read_fd_all (int fd, const char *what, char **out, size_t *len, struct casco_error **err);
/* Read a whole (small) file into a NUL-terminated buffer. */
int read_file_at (int dirfd, const char *path, char **out, size_t *len, struct casco_error **err);
/* Write data to dir/name atomically: temp file, fsync, rename. */
int write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                          struct casco_error **err);

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
/* Open fd (an O_PATH fd, already verified) for real with flags, through a
   /proc verified to be procfs; refused if what opens is another object. */
int fd_reopen (int fd, int flags, const char *what, struct casco_error **err);

/* Files the container controls, read or opened by the runtime: resolved
   below root_fd (RESOLVE_IN_ROOT, no magic links), looked at through O_PATH
   first, and opened only when they are what they must be. */
#define CONTAINER_FILE_MAX (4u << 20)
/* A regular file on a real filesystem of at most max bytes, read without
   blocking.  *out NULL when it does not exist; anything else (a FIFO, a
   device, /proc/kmsg, a huge file) is an error naming path. */
int read_container_file (int root_fd, const char *path, size_t max, char **out,
                         struct casco_error **err);
/* The character device maj:min at path, opened with flags; anything else
   there (a FIFO, another device) is refused, never opened. */
int open_container_device (int root_fd, const char *path, unsigned maj, unsigned min, int flags,
                           struct casco_error **err);

/* "/proc" opened without following links and verified to be the root of
   a procfs (never a directory or filesystem a container put there): the fd,
   or -1 with *err. */
int open_procfs (struct casco_error **err);

#endif

/* casco — the one error type the library hands up to the CLI. */
#ifndef CASCO_ERROR_H
#define CASCO_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* What kind of failure an error is: callers branch on this, never on the
   message text (which is worded for people and for engines that parse
   runc's wording, and may change). */
enum casco_error_kind
{
  CASCO_ERR_INTERNAL = 0,   /* a step failed (syscall, I/O, kernel): the default */
  CASCO_ERR_INVALID_ARGUMENT, /* a bad argument from the caller, e.g. a malformed container id */
  CASCO_ERR_NOT_FOUND,      /* the container does not exist */
  CASCO_ERR_UNFINISHED,     /* its state dir exists without state.json: a create in progress or dead */
  CASCO_ERR_EXISTS,         /* a container with this id already exists */
  CASCO_ERR_NOT_RUNNING,    /* the operation needs a live init and there is none */
  CASCO_ERR_WRONG_STATE,    /* the container's status does not allow the operation */
  CASCO_ERR_CONFIG,         /* config.json (or a resources file) is invalid: json_path says where */
  CASCO_ERR_POLICY,         /* the security policy refuses the config */
  CASCO_ERR_HOST_UNSUPPORTED, /* this host cannot do what is asked (e.g. no cgroup v2) */
};
#define CASCO_ERR_KIND_COUNT (CASCO_ERR_HOST_UNSUPPORTED + 1)

/* An error carries its kind, the errno that caused it (0 when none), a
   message that says what failed and what to do, and for config errors the
   JSON path ("linux.namespaces[2].type").  Library functions return -1 and
   set *err; only src/ prints it and picks the exit code. */
struct casco_error
{
  enum casco_error_kind kind;
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
/* Same as casco_error_set / casco_error_config with a kind other than the
   default (INTERNAL for _set, CONFIG for _config). */
int casco_error_set_kind (struct casco_error **err, enum casco_error_kind kind, int errno_, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
int casco_error_config_kind (struct casco_error **err, enum casco_error_kind kind, const char *json_path,
                             const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* true when err is set and of this kind (false for NULL). */
static inline bool
casco_error_is (const struct casco_error *err, enum casco_error_kind kind)
{
  return err != NULL && err->kind == kind;
}
/* A kind that crossed a process boundary as an int (the child reports
   its error over the sync socket): anything unknown is INTERNAL. */
static inline enum casco_error_kind
casco_error_kind_from_int (int v)
{
  return v >= 0 && v < CASCO_ERR_KIND_COUNT ? (enum casco_error_kind) v : CASCO_ERR_INTERNAL;
}
/* The kind's name in lower case ("not-found"), for debug lines and tests. */
const char *casco_error_kind_name (enum casco_error_kind kind);
/* Prefix an existing error's message with more context ("create: ..."). */
int casco_error_wrap (struct casco_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void casco_error_free (struct casco_error *err);
/* Full text: "PATH: msg" for config errors, else msg. Caller frees. */
char *casco_error_text (const struct casco_error *err);

#endif

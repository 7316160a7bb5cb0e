/* The single error type: kind + errno + message (+ JSON path for config errors). */
#include <stdio.h>
#include <string.h>

#include "casco/error.h"
#include "util.h"

#define ERROR_MSG_MAX 512

__attribute__ ((format (printf, 5, 0))) static int
error_setv (struct casco_error **err, enum casco_error_kind kind, int errno_, const char *json_path,
            const char *fmt, va_list ap)
{
  if (err == NULL)
    return -1;
  /* Keep the first error: it is the cause; later ones are consequences. */
  if (*err != NULL)
    return -1;
  _cleanup_free_ char *text = xvasprintf (fmt, ap);
  /* A config value quoted in full could make a 10 MB message: keep the
     start, which names the field, and say how much was left out. */
  size_t len = strlen (text);
  if (len > ERROR_MSG_MAX)
    {
      char *cut = xasprintf ("%.*s... (%zu more bytes)", ERROR_MSG_MAX, text, len - ERROR_MSG_MAX);
      free (text);
      text = cut;
    }
  struct casco_error *e = xmalloc0 (sizeof *e);
  e->kind = kind;
  e->errno_ = errno_;
  e->json_path = json_path ? xstrdup (json_path) : NULL;
  e->msg = errno_ ? xasprintf ("%s: %s", text, strerror (errno_)) : steal_pointer (&text);
  *err = e;
  return -1;
}

int
casco_error_set (struct casco_error **err, int errno_, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, CASCO_ERR_INTERNAL, errno_, NULL, fmt, ap);
  va_end (ap);
  return -1;
}

int
casco_error_set_kind (struct casco_error **err, enum casco_error_kind kind, int errno_, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, kind, errno_, NULL, fmt, ap);
  va_end (ap);
  return -1;
}

int
casco_error_config (struct casco_error **err, const char *json_path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, CASCO_ERR_CONFIG, 0, json_path, fmt, ap);
  va_end (ap);
  return -1;
}

int
casco_error_config_kind (struct casco_error **err, enum casco_error_kind kind, const char *json_path,
                         const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, kind, 0, json_path, fmt, ap);
  va_end (ap);
  return -1;
}

const char *
casco_error_kind_name (enum casco_error_kind kind)
{
  switch (kind)
    {
    case CASCO_ERR_INTERNAL: return "internal";
    case CASCO_ERR_INVALID_ARGUMENT: return "invalid-argument";
    case CASCO_ERR_NOT_FOUND: return "not-found";
    case CASCO_ERR_UNFINISHED: return "unfinished";
    case CASCO_ERR_EXISTS: return "exists";
    case CASCO_ERR_NOT_RUNNING: return "not-running";
    case CASCO_ERR_WRONG_STATE: return "wrong-state";
    case CASCO_ERR_CONFIG: return "config";
    case CASCO_ERR_POLICY: return "policy";
    case CASCO_ERR_HOST_UNSUPPORTED: return "host-unsupported";
    }
  return "unknown";
}

int
casco_error_wrap (struct casco_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *prefix = xvasprintf (fmt, ap);
  va_end (ap);
  char *msg = xasprintf ("%s: %s", prefix, (*err)->msg);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
casco_error_free (struct casco_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  free (err->json_path);
  free (err);
}

void
casco_error_freep (struct casco_error **e)
{
  casco_error_free (*e);
  *e = NULL;
}

char *
casco_error_text (const struct casco_error *err)
{
  if (err == NULL)
    return xstrdup ("unknown error");
  if (err->json_path)
    return xasprintf ("%s: %s", err->json_path, err->msg);
  return xstrdup (err->msg);
}

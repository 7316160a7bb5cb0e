/* Library logging: forwards to the handler the CLI installed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "casco/log.h"

static casco_log_handler handler;
static enum casco_log_level max_level = CASCO_LOG_WARNING;

void
casco_log_set_handler (casco_log_handler h, enum casco_log_level level)
{
  handler = h;
  max_level = level;
}

void
casco_log (enum casco_log_level level, const char *fmt, ...)
{
  if (handler == NULL || level > max_level)
    return;
  char *msg;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  handler (level, msg);
  free (msg);
}

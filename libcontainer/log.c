/* Library logging: forwards to the handler the CLI installed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "casco/log.h"
#include "util.h"

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
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  handler (level, msg);
}

/* The exit status casco gives each kind of error: one place that decides it. */
#include "cli.h"

int
cli_exit_status (const struct casco_error *err)
{
  if (err == NULL)
    return 1;
  /* runc exits 1 for every failure and engines rely on that, telling the
     cases apart by runc's message text (which the library words the same
     way); no switch default: a new kind must be placed here on purpose. */
  switch (err->kind)
    {
    case CASCO_ERR_INTERNAL:
    case CASCO_ERR_INVALID_ARGUMENT:
    case CASCO_ERR_NOT_FOUND:
    case CASCO_ERR_UNFINISHED:
    case CASCO_ERR_EXISTS:
    case CASCO_ERR_NOT_RUNNING:
    case CASCO_ERR_WRONG_STATE:
    case CASCO_ERR_CONFIG:
    case CASCO_ERR_POLICY:
    case CASCO_ERR_HOST_UNSUPPORTED:
      return 1;
    }
  return 1;
}

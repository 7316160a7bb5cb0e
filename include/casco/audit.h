/* casco — `casco audit`: a config's findings under a policy level, as a report. */
#ifndef CASCO_AUDIT_H
#define CASCO_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "casco/policy.h"

struct casco_error;

/* Parse and validate config.json text (errors name the JSON path), add the
   secure defaults, check every rule, and write the report (text, or JSON
   when as_json) to *report (caller frees).  name labels the config in the
   report.  *passes: nothing is refused at level. */
int audit_config (const char *json, size_t len, const char *name, enum policy_level level, bool as_json,
                  char **report, bool *passes, struct casco_error **err);

#endif

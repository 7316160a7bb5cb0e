/* casco — `casco audit`: a config's findings under a policy level, as a report. */
#ifndef CASCO_AUDIT_H
#define CASCO_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "casco/policy.h"

struct casco_error;

/* Where audit judges: the bundle directory (relative bind sources, and the
   host objects a config names are opened and judged there exactly as
   create does), and whether the container would get no cgroup. */
struct audit_host
{
  int bundle_fd;        /* -1: judge the config alone (host-independent: fuzzers) */
  bool cgroup_disabled; /* --cgroup-manager disabled */
};

/* Parse and validate config.json text (errors name the JSON path), add the
   secure defaults, check every rule on the objects create would use, and
   write the report (text, or JSON when as_json) to *report (caller frees).
   name labels the config in the report.  *passes: nothing is refused at
   level.  A bind source missing on this host is said in the report (create
   would fail on it) and not judged. */
int audit_config (const char *json, size_t len, const char *name, enum policy_level level, bool as_json,
                  const struct audit_host *host, char **report, bool *passes, struct casco_error **err);

#endif

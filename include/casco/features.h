/* casco — the runtime-spec features document (`casco features`). */
#ifndef CASCO_FEATURES_H
#define CASCO_FEATURES_H

#include "casco/policy.h"

/* Pretty JSON, caller frees.  level: the operator's policy, reported as
   the annotation io.casco.policy.level so an engine can see what casco
   will refuse before it asks. */
char *features_json (enum policy_level level);

#endif

/* casco — capabilities: the five sets of process.capabilities.
   Names are resolved in the parent (so a typo fails create before anything
   exists); the init applies the masks around its uid switch. */
#ifndef CASCO_CAPS_H
#define CASCO_CAPS_H

#include <stdint.h>
#include "casco/spec.h"

struct casco_error;

struct cap_sets
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* The capability's number for its exact kernel name ("CAP_SYS_ADMIN"), or
   -1 for anything else ("21", "cap_sys_admin", "SYS_ADMIN", blanks): the one
   place a name becomes a number, for validation, the policy and caps_apply. */
int caps_from_name (const char *name);
/* "CAP_SYS_ADMIN" for 21; NULL past the names casco knows. */
const char *caps_name (int cap);

/* Every name of every set is one caps_from_name knows; else a config error
   naming its JSON path (spec_validate's check, so audit refuses it too). */
int caps_check_names (const struct spec_capabilities *caps, struct casco_error **err);
/* Resolve names to bit masks.  A name caps_from_name does not know is an error
   naming its JSON path; a name the running kernel does not know is
   dropped with a warning (as runc does).  caps == NULL gives empty sets. */
int caps_resolve (const struct spec_capabilities *caps, struct cap_sets *out,
                  struct casco_error **err);
/* Before the uid switch: shrink the bounding set, keep permitted across setuid. */
int caps_drop_bounding (const struct cap_sets *s, struct casco_error **err);
int caps_keep_across_setuid (struct casco_error **err);
/* After the uid switch: set effective/permitted/inheritable, then ambient. */
int caps_apply (const struct cap_sets *s, struct casco_error **err);

#endif

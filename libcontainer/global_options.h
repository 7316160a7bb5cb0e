/* casco's global options (before the command word), as one list: main()
   builds its getopt table from it and casco_entry's parser
   (libcontainer/early/options.c) reads argv by it, so the two cannot
   disagree on which options exist or which take a value. */
#ifndef CASCO_GLOBAL_OPTIONS_H
#define CASCO_GLOBAL_OPTIONS_H

#include <stdbool.h>

/* X (name, ID, takes_value): OPT_ID in main(); -h and -v are main()'s own
   (casco_entry leaves them to it). */
#define CASCO_GLOBAL_OPTIONS(X)              \
  X ("root", ROOT, 1)                        \
  X ("log", LOG, 1)                          \
  X ("log-format", LOG_FORMAT, 1)            \
  X ("debug", DEBUG, 0)                      \
  X ("systemd-cgroup", SYSTEMD_CGROUP, 0)    \
  X ("rootless", ROOTLESS, 1)                \
  X ("criu", CRIU, 1)                        \
  X ("cgroup-manager", CGROUP_MANAGER, 1)    \
  X ("policy", POLICY, 1)

/* The values main() accepts; casco_entry leaves any other to main(), which
   refuses it in its words. */
bool casco_log_format_valid (const char *value);       /* text, json */
bool casco_cgroup_manager_valid (const char *value);   /* cgroupfs, disabled */

#endif

/* casco — cgroup v2 (cgroupfs driver).  casco never writes to a v1 or
   hybrid hierarchy: on such hosts a config that asks for limits is refused
   (unless --cgroup-manager disabled), and one that asks for none runs
   without a cgroup.

   Lifecycle as container.c uses it:
     cgroup_plan      decide: no cgroup / create one at path P (pure: no writes)
     cgroup_create    mkdir along P enabling controllers, write the limits,
                      attach the device filter; returns an O_DIRECTORY fd that
                      the init is cloned into (clone3 CLONE_INTO_CGROUP), so
                      it is inside before it unshares its cgroup namespace
     cgroup_destroy   kill what is left, wait, rmdir (retrying), also parents
                      casco created? no: only the leaf
   and for the commands: update, freeze/thaw, pids, stats. */
#ifndef CASCO_CGROUP_H
#define CASCO_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "casco/spec.h"

struct casco_error;

enum cgroup_manager { CGROUP_MANAGER_CGROUPFS, CGROUP_MANAGER_DISABLED };

/* Where cgroup2 is mounted; tests may point it elsewhere (env CASCO_CGROUP_ROOT
   is NOT honoured: the mount point is found from /proc/self/mountinfo). */
#define CGROUP_DEFAULT_PARENT "casco"   /* relative cgroupsPath lives under /sys/fs/cgroup/casco */

struct cgroup_dev_rule;

struct cgroup_plan
{
  bool use;             /* false: run without a cgroup */
  char *path;           /* absolute path inside the cgroup2 hierarchy, e.g. "/casco/ID" */
  /* linux.devices as "allow rwm" rules: the device filter lets the
     container use the nodes its config asked for. */
  struct cgroup_dev_rule *devices;
  size_t n_devices;
};

/* Decide from the config, the manager and the host.  Errors: limits asked
   on a host without cgroup v2 ("linux.resources: cgroup v2 is required ...
   run with --cgroup-manager disabled to accept no limits"), bad cgroupsPath
   ("..", not absolute-or-relative-clean). */
int cgroup_plan (const struct spec *s, const char *id, enum cgroup_manager m,
                 struct cgroup_plan *out, struct casco_error **err);
void cgroup_plan_clear (struct cgroup_plan *p);
#define _cleanup_cgroup_plan_ __attribute__ ((cleanup (cgroup_plan_clear)))

/* Create the cgroup and apply resources; *fd is an O_DIRECTORY|O_CLOEXEC fd
   of it.  On failure nothing is left (the directory is removed). */
int cgroup_create (const struct cgroup_plan *p, const struct spec_resources *r, int *fd,
                   struct casco_error **err);
/* Once the init is ready: the values cgroup_create held back while the
   container set itself up (see cgroup_memory_max_during_setup). */
int cgroup_setup_done (int fd, const char *path, const struct spec_resources *r, struct casco_error **err);
/* Open an existing cgroup (path as in cgroup_plan.path) as O_DIRECTORY|
   O_CLOEXEC: exec clones its process into it. */
int cgroup_open (const char *path, int *fd, struct casco_error **err);
/* Apply (more) resources to an existing cgroup: `update`. */
int cgroup_update (const char *path, const struct spec_resources *r, struct casco_error **err);
/* Kill every process in it (cgroup.kill), wait until empty, rmdir. */
int cgroup_destroy (const char *path, struct casco_error **err);
/* Freeze (pause) or thaw (resume); waits until cgroup.events says frozen. */
int cgroup_freeze (const char *path, bool freeze, struct casco_error **err);
/* Frozen right now? (for the "paused" status) */
bool cgroup_is_frozen (const char *path);
/* pids in the cgroup (recursive), caller frees *pids. */
int cgroup_pids (const char *path, pid_t **pids, size_t *n, struct casco_error **err);
/* Signal every process in the cgroup (kill --all). */
int cgroup_signal_all (const char *path, int sig, struct casco_error **err);

struct cgroup_stats
{
  uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
  uint64_t cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
  uint64_t memory_current, memory_max, memory_swap_current, memory_swap_max;
  uint64_t memory_events_oom, memory_events_oom_kill, memory_events_max;
  uint64_t pids_current, pids_max;
  /* io.stat totals */
  uint64_t io_rbytes, io_wbytes, io_rios, io_wios;
};
int cgroup_stats (const char *path, struct cgroup_stats *st, struct casco_error **err);

/* What the OOM killer did to a cgroup: memory.events' oom (its own limit,
   or a descendant's, was met and reclaim failed) and oom_kill (processes in
   it killed by any OOM killer, the host's too), and memory.max now
   (UINT64_MAX for "max").  -1 without the memory controller. */
struct cgroup_oom
{
  uint64_t oom, oom_kill, max;
};
int cgroup_oom_read (int fd, struct cgroup_oom *o);

/* Conversions (pure, unit-tested): runc's formulas. */
uint64_t cgroup_cpu_shares_to_weight (uint64_t shares);
/* memory.swap.max from OCI swap (= memory+swap) and limit; -1 stays "max". */
int cgroup_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, struct casco_error **err);
uint64_t cgroup_blkio_weight_to_io_weight (uint64_t weight);

/* Why this host gives containers no cgroup v2 (v1/hybrid, none mounted),
   or NULL when it can; probed once per process. */
const char *cgroup_host_why_not (void);

/* ---- the pure steps behind the above, exposed for the unit tests ---- */

/* From /proc/self/mountinfo text: the cgroup2 mount point (NULL when none;
   /sys/fs/cgroup preferred) and whether some v1 hierarchy holds controllers
   (a hybrid host, where the v2 mount cannot limit anything). */
void cgroup_parse_mountinfo (const char *text, char **mountpoint, bool *v1_controllers);
/* linux.cgroupsPath (NULL/"" for the default) -> "/casco/ID", "/a/b"... */
int cgroup_resolve_path (const char *cgroups_path, const char *id, char **out,
                         struct casco_error **err);
/* The JSON path of the first limit the resources ask for, NULL for none
   (zero and absent both mean unset; device rules are not limits). */
const char *cgroup_first_limit (const struct spec_resources *r);
/* cgroup_plan without the host probing: v2_usable and why_not as found. */
int cgroup_plan_decide (const struct spec *s, const char *id, enum cgroup_manager m, bool v2_usable,
                        const char *why_not, struct cgroup_plan *out, struct casco_error **err);
/* A linux.resources.unified key against the controllers the cgroup has
   (cgroup.controllers text). */
int cgroup_unified_key_check (const char *key, const char *controllers, struct casco_error **err);

/* memory.max while the container sets itself up, 0 for the configured
   value: a limit of 64..127 pages starts one page below the kernel's
   charge batch, where no CPU keeps a stock of it. */
int64_t cgroup_memory_max_during_setup (const struct spec_resources *r, long page_size);

/* One file write the resources turn into. */
struct cgroup_write
{
  char *file;           /* "memory.max" */
  char *value;          /* "33554432" */
  char *jpath;          /* "linux.resources.memory.limit", for errors */
  char *alt_file;       /* when file does not exist, write alt_value here instead */
  char *alt_value;
  bool enoent_ok;       /* file may be missing (no swap accounting...) */
  bool soft;            /* a failure is ignored: an ordering attempt retried later */
};
int cgroup_resources_writes (const struct spec_resources *r, struct cgroup_write **out, size_t *n,
                             struct casco_error **err);
void cgroup_writes_free (struct cgroup_write *w, size_t n);
/* "key value" lines (cpu.stat, memory.events, cgroup.events): 0 when found. */
int cgroup_parse_keyed (const char *text, const char *key, uint64_t *out);
/* io.stat summed over devices into st->io_*. */
void cgroup_parse_io_stat (const char *text, struct cgroup_stats *st);

#endif

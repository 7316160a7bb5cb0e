/* casco — the container's init: the child side of create.
   Stage 1 (forked by casco): joins/creates namespaces, then forks stage 2
   as a sibling (CLONE_PARENT) so casco stays its parent, and exits.
   Stage 2 (the init, PID 1 of the new pid ns): builds the rootfs, becomes
   the configured user, reports READY, waits for `start` on exec.sock, execs. */
#ifndef CASCO_PROCESS_H
#define CASCO_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "casco/spec.h"
#include "caps.h"
#include "lsm.h"
#include "ns.h"
#include "seccomp_filter.h"
#include "rootfs.h"
#include "sync.h"         /* the protocol the init speaks on sync_fd */

struct casco_error;

struct init_config
{
  const struct spec *spec;
  const struct spec_process *process;  /* what to run: spec->process, or exec's */
  bool is_exec;         /* join a running container instead of building one */
  const char *id;
  struct rootfs_config rootfs;
  struct ns_plan ns;
  int sync_fd;          /* child end of the sync pair */
  int exec_listen_fd;   /* listening socket bound at <state>/exec.sock */
  int console_fd;       /* connected --console-socket, or -1 */
  int cgroup_fd;        /* stage 1 is cloned into this cgroup, or -1 */
  int preserve_fds;     /* keep fds 3 .. 3+N-1 open across exec */
  bool no_new_keyring;
  char **env;           /* process.env plus what casco adds (LISTEN_FDS...) */
  struct cap_sets caps; /* resolved by the parent from process.capabilities */
  struct seccomp_program seccomp; /* compiled by the parent from linux.seccomp */
  struct lsm_plan lsm;  /* filled by the child before pivot, applied before exec */
  uint64_t ignored_signals; /* bit N-1: signal N ignored (signals_ignored ()) */
};

/* The signals this process ignores (SigIgn of /proc/self/status; all when
   unreadable).  Read by the parent in the host's /proc: the children
   inherit its dispositions, and exec's child sees only the container's. */
uint64_t signals_ignored (void);

/* Free what the parent prepared for the child (fds, env, filter). */
void init_config_release (struct init_config *c);
#define _cleanup_init_config_ __attribute__ ((cleanup (init_config_release)))

/* Runs in the first child; never returns. */
_Noreturn void init_stage1 (struct init_config *c);
/* The init cloned by the parent straight into its new namespaces and
   cgroup (ns_plan_direct): stage 1's remaining steps, then stage 2. */
_Noreturn void init_direct (struct init_config *c);

#endif

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

struct casco_error;

/* Messages on the parent<->init SOCK_SEQPACKET pair. */
enum sync_type
{
  SYNC_MAP_REQUEST = 1, /* stage 1 -> parent: write my uid/gid maps */
  SYNC_MAP_DONE,        /* parent -> stage 1 */
  SYNC_INIT_PID,        /* stage 1 -> parent: value = host pid of the init */
  SYNC_READY,           /* init -> parent: set up, waiting for start */
  SYNC_COMMIT,          /* parent -> init: state saved, you may outlive me */
  SYNC_UNUSED,          /* was ACK: kept so later values stay those an older init expects */
  SYNC_ERROR,           /* child -> parent: errno_ + text */
  SYNC_HOOKS,           /* init -> parent: mounts done, run prestart/createRuntime */
  SYNC_HOOKS_DONE,      /* parent -> init: value = the init's pid as the host sees it */
  SYNC_SECCOMP_FD,      /* child -> parent: the seccomp notify fd rides along (SCM_RIGHTS) */
  SYNC_START,           /* `start` -> init, over exec.sock */
  SYNC_EXPLAIN,         /* child -> parent: one --explain line (text); sync_recv_fd passes it on */
};

struct sync_msg
{
  int type;
  int value;
  int errno_;
  char text[2048];
};

/* Received fd of a SYNC_SECCOMP_FD message: not part of the wire format. */
struct sync_received
{
  struct sync_msg m;
  int fd;               /* -1 unless an fd came with the message */
};

int sync_send (int fd, int type, int value, int errno_, const char *text);
/* Send a message carrying an fd (SCM_RIGHTS). */
int sync_send_fd (int fd, int type, int passed_fd);
/* Like sync_recv, also accepting an fd; r->fd is -1 when none came.
   EOF is not an error here: it returns 0 with r->m.type == 0. */
int sync_recv_fd (int fd, struct sync_received *r, struct casco_error **err);
/* Returns 0 with *m filled, or -1 with *err ("init exited" on EOF). */
int sync_recv (int fd, struct sync_msg *m, struct casco_error **err);
/* Receive and insist on one message type; a SYNC_ERROR becomes *err. */
int sync_expect (int fd, int type, struct sync_msg *m, struct casco_error **err);

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

/* Runs in the first child; never returns. */
_Noreturn void init_stage1 (struct init_config *c);
/* The init cloned by the parent straight into its new namespaces and
   cgroup (ns_plan_direct): stage 1's remaining steps, then stage 2. */
_Noreturn void init_direct (struct init_config *c);

#endif

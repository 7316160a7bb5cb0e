/* casco — the per-container state directory under --root.
   <root>/<id>/state.json   written atomically (temp + rename); it also
                            carries the config as it was at create
   <root>/<id>/exec.sock    exists while the init waits for `start`
   The directory itself is the lock (flock): commands on one id serialise. */
#ifndef CASCO_STATE_H
#define CASCO_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "casco/spec.h"

struct casco_error;

enum container_status
{
  CONTAINER_CREATING,
  CONTAINER_CREATED,
  CONTAINER_RUNNING,
  CONTAINER_PAUSED,
  CONTAINER_STOPPED,
};

struct container_state
{
  char *oci_version;
  char *id;
  pid_t pid;
  uint64_t pid_start_time;   /* /proc/PID/stat field 22: guards against pid reuse */
  char *bundle;
  char *rootfs;
  char *created;             /* RFC 3339 with nanoseconds, UTC */
  char *owner;
  struct spec_kv *annotations;
  size_t n_annotations;
  bool own_pid_ns;           /* init is PID 1 of a namespace of its own */
  char *cgroup_path;         /* empty when casco manages no cgroup */
  char *config;              /* config.json's text as it was at create (NULL: not saved) */
  unsigned config_uses;      /* STATE_USES_*: what start and delete need the config for */
  enum container_status status; /* computed by state_probe, never stored */
};

/* What in the saved config start and delete act on.  A state without the
   record (written by an older casco) reads as STATE_USES_ALL. */
#define STATE_USES_POSTSTART 1u
#define STATE_USES_POSTSTOP 2u
#define STATE_USES_LISTENER 4u   /* linux.seccomp.listenerPath */
#define STATE_USES_ALL 7u

/* How long delete waits for an init it sent SIGKILL to. */
#define CASCO_KILL_WAIT_MS 10000

/* --root when none is given */
#define CASCO_DEFAULT_ROOT "/run/casco"

#define EXEC_SOCK_NAME "exec.sock"
/* The same socket while the init sets itself up: create renames it to
   EXEC_SOCK_NAME when the init is ready, so its presence means "creating". */
#define EXEC_SOCK_CREATING_NAME "exec.sock.creating"
/* Where casco before 2026-12 saved the config at create (now in state.json):
   read only for containers created by such a casco. */
#define LEGACY_CONFIG_NAME "config.json"
#define STATE_FILE_NAME "state.json"

const char *container_status_name (enum container_status s);

/* True when id is usable as a directory name and matches runc's rule. */
bool state_id_valid (const char *id);
int state_root_open (const char *root, bool create, int *fd, struct casco_error **err);
/* Create <root>/<id>: "already exists" when taken. */
int state_dir_create (int rootfd, const char *id, int *dirfd, struct casco_error **err);
/* "container ID does not exist", with errno_ ENOENT (not in the text) so
   that callers can tell a missing container from other failures. */
int state_error_no_container (struct casco_error **err, const char *id);
/* Open <root>/<id>: "does not exist" (state_error_no_container) when missing. */
int state_dir_open (int rootfd, const char *id, int *dirfd, struct casco_error **err);
int state_lock (int dirfd, bool exclusive, struct casco_error **err);
int state_write (int dirfd, const struct container_state *st, struct casco_error **err);
int state_read (int dirfd, struct container_state *st, struct casco_error **err);
/* Fill st->status from the live system: process alive? exec.sock present? */
void state_probe (int dirfd, struct container_state *st);
/* Remove every file in <root>/<id> and the directory itself. */
int state_dir_remove (int rootfd, const char *id, struct casco_error **err);
/* runc-shaped JSON (pretty) for `state` and `list --format json`. */
char *state_to_public_json (const struct container_state *st);
void container_state_clear (struct container_state *st);
/* On a struct container_state value: cleared at scope end. */
#define _cleanup_container_state_ __attribute__ ((cleanup (container_state_clear)))

/* Start time of pid from /proc, 0 when the process is gone or a zombie. */
uint64_t proc_start_time (pid_t pid);
/* Now as RFC 3339 with nanoseconds in UTC ("2026-11-24T10:00:00.123456789Z"). */
char *rfc3339_now (void);
/* The same for a given time (seconds since the epoch, UTC). */
char *rfc3339_at (int64_t sec, long nsec);

#endif

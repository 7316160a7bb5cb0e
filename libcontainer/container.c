/* Lifecycle orchestration, the parent side, for a container that exists:
   open its state, start, state and list, kill, delete.  Creating one is
   container_create.c, the launch protocol container_launch.c, run's
   foreground loop container_run.c, exec container_exec.c; the child side
   is process.c. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "casco/container.h"
#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "signals.h"
#include "casco/spec.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "console.h"
#include "cgroup.h"
#include "early/early.h"
#include "hooks.h"
#include "judge.h"
#include "mount.h"
#include "lifecycle.h"
#include "policy_defaults.h"
#include "process.h"
#include "user.h"
#include "container_internal.h"

const char *
container_root (const struct casco_context *ctx)
{
  return ctx->root ? ctx->root : CASCO_DEFAULT_ROOT;
}

void
launch_close (struct launch *l)
{
  closep (&l->rootfd);
  closep (&l->dirfd);
  closep (&l->console_peer);
  free (l->bundle);
  l->bundle = NULL;
  free (l->cgroup_path);
  l->cgroup_path = NULL;
  free (l->config);
  l->config = NULL;
}

/* ---- start ----------------------------------------------------------------- */

int
container_open (const struct casco_context *ctx, const char *id, int *rootfd, int *dirfd,
                struct container_state *st, struct casco_error **err)
{
  if (!state_id_valid (id))
    return casco_error_set_kind (err, CASCO_ERR_INVALID_ARGUMENT, 0, "invalid container id format \"%s\"", id ? id : "");
  *rootfd = open (container_root (ctx), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    {
      if (errno == ENOENT)
        return state_error_no_container (err, id);
      return casco_error_set (err, errno, "open state root `%s`", container_root (ctx));
    }
  if (state_dir_open (*rootfd, id, dirfd, err) < 0)
    return -1;
  if (state_read (*dirfd, st, err) < 0)
    {
      /* No state.json: a create is in progress (it holds the lock) or died. */
      if (*err && (*err)->errno_ == ENOENT)
        {
          casco_error_free (*err);
          *err = NULL;
          return casco_error_set_kind (err, CASCO_ERR_UNFINISHED, 0, "container \"%s\" does not exist (creation did not finish)", id);
        }
      return -1;
    }
  state_probe (*dirfd, st);
  return 0;
}

/* Connect to exec.sock and wait: EOF means the init exec'd (the socket is
   close-on-exec); text means exec failed and says why. */
int
container_signal_start (int dirfd, const struct notify_target *t, bool *not_waiting, struct casco_error **err)
{
  /* the step casco_entry's start takes too (early/state_steps.c) */
  enum early_start_failure failed;
  _cleanup_close_ int conn = early_send_start (dirfd, &failed);
  if (not_waiting)
    *not_waiting = conn < 0 && failed != EARLY_START_SEND;
  if (conn < 0 && failed == EARLY_START_SEND)
    return casco_error_set (err, -conn, "signal container init");
  if (conn < 0 && failed == EARLY_START_SOCKET)
    casco_error_set (err, -conn, "socket");
  else if (conn < 0)
    casco_error_set (err, -conn, "connect to `%s`", EXEC_SOCK_NAME);
  if (conn < 0)
    return casco_error_wrap (err, "container init is not waiting for start");
  /* From now on the container counts as running. */
  unlinkat (dirfd, EXEC_SOCK_NAME, 0);
  return launch_await_report (conn, t, err);
}

/* The config as it was at create: in the state, or, for a container
   created by an older casco, in config.json beside it. */
int
container_saved_spec (int dirfd, const char *config, struct spec **out, struct casco_error **err)
{
  if (config)
    return spec_parse (config, strlen (config), out, err);
  return spec_load_text (dirfd, out, NULL, NULL, err);
}

/* The same where a missing config only means no hooks or listener. */
struct spec *
container_load_saved_spec (int dirfd, const char *id, const char *config)
{
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (container_saved_spec (dirfd, config, &s, &err) < 0)
    {
      casco_debug ("container %s: saved config unreadable (%s): no hooks or seccomp listener",
                   id, err ? err->msg : "?");
      casco_error_free (err);
      return NULL;
    }
  return s;
}

/* poststart and poststop only warn on failure, and take their hooks from
   the config saved at create. */
void
container_run_late_hooks (const struct spec *spec, const char *bundle, const char *id, pid_t pid, bool poststart)
{
  if (spec == NULL)
    return;
  const struct spec_hooks *h = &spec->hooks;
  if (poststart ? h->n_poststart == 0 : h->n_poststop == 0)
    return;
  _cleanup_free_ char *state = hooks_state_json (spec, id, bundle, poststart ? pid : 0,
                                                 poststart ? "running" : "stopped");
  if (poststart)
    hooks_run_warn (h->poststart, h->n_poststart, "poststart", state);
  else
    hooks_run_warn (h->poststop, h->n_poststop, "poststop", state);
}

static int
start_locked (int dirfd, const struct container_state *st, struct casco_error **err)
{
  switch (st->status)
    {
    case CONTAINER_CREATED:
      {
        /* Most configs have no poststart hook and no seccomp listener:
           then start has no use for the config and does not parse it. */
        _cleanup_spec_ struct spec *spec
            = st->config_uses & (STATE_USES_POSTSTART | STATE_USES_LISTENER)
                  ? container_load_saved_spec (dirfd, st->id, st->config) : NULL;
        struct notify_target t = { spec, st->id, st->bundle, st->pid, "creating" };
        if (container_signal_start (dirfd, &t, NULL, err) < 0)
          return -1;
        container_run_late_hooks (spec, st->bundle, st->id, st->pid, true);
        return 0;
      }
    case CONTAINER_STOPPED:
      return casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot start a container that has stopped");
    case CONTAINER_CREATING:
      return casco_error_set_kind (err, CASCO_ERR_UNFINISHED, 0, "cannot start container %s: its creation did not finish "
                                      "(delete --force removes it)", st->id);
    default:
      return casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot start an already running container");
    }
}

/* Finish a start that casco_entry began (early/lifecycle.c): the init's
   answer is unread in conn, and dirfd holds the lock. */
static int
start_resume (const char *id, int conn, int dirfd, struct casco_error **err)
{
  _cleanup_close_ int owned_conn = conn;
  _cleanup_close_ int locked_dir = dirfd;
  (void) locked_dir;   /* held for its lock, closed on return */
  /* Handed over only for a config without a seccomp listener or
     poststart hooks: no spec is needed to read what follows. */
  struct notify_target t = { NULL, id, "", 0, "creating" };
  return launch_await_report (owned_conn, &t, err);
}

int
container_start (const struct casco_context *ctx, const char *id, struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  int conn;
  if (early_start_take_over (id, &conn, &dirfd))
    return start_resume (id, conn, dirfd, err);
  struct container_state st = { 0 };
  int rc = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) == 0 && state_lock (dirfd, true, err) == 0)
    {
      state_probe (dirfd, &st);   /* again, under the lock */
      rc = start_locked (dirfd, &st, err);
    }
  container_state_clear (&st);
  return rc;
}

/* ---- state and list -------------------------------------------------------- */

int
container_state (const struct casco_context *ctx, const char *id, struct container_state *out,
                 struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, out, err) < 0)
    {
      container_state_clear (out);
      return -1;
    }
  return 0;
}

int
container_list (const struct casco_context *ctx, struct container_state **out, size_t *n,
                struct casco_error **err)
{
  *out = NULL;
  *n = 0;
  DIR *d = opendir (container_root (ctx));
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;   /* nothing was ever created */
      return casco_error_set (err, errno, "open state root `%s`", container_root (ctx));
    }
  struct dirent *de;
  size_t cap = 0;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || !state_id_valid (de->d_name))
        continue;
      _cleanup_close_ int cdirfd = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      struct container_state st = { 0 };
      struct casco_error *ignored = NULL;
      if (cdirfd < 0 || state_read (cdirfd, &st, &ignored) < 0)
        {
          /* being created right now, or debris: not a container yet */
          casco_error_free (ignored);
          container_state_clear (&st);
          continue;
        }
      state_probe (cdirfd, &st);
      /* list shows who owns the container (the state dir's owner), as runc does */
      struct stat sb;
      if (fstat (cdirfd, &sb) == 0)
        {
          free (st.owner);
          st.owner = host_user_name (sb.st_uid);
          if (st.owner == NULL)
            st.owner = xasprintf ("#%u", sb.st_uid);
        }
      if (*n == cap)
        *out = xrealloc (*out, (cap = cap ? cap * 2 : 8) * sizeof **out);
      (*out)[(*n)++] = st;
    }
  closedir (d);
  return 0;
}

/* ---- kill ------------------------------------------------------------------ */

/* A pidfd for the init, or -1 when it is gone or its pid was reused. */
int
container_open_init_pidfd (const struct container_state *st)
{
  int fd = sys_pidfd_open (st->pid, 0);
  if (fd < 0)
    return -1;
  /* Checked after opening: the pidfd pins this process, so a match now
     cannot be undone by pid reuse. */
  if (proc_start_time (st->pid) != st->pid_start_time)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static ino_t
ns_inode (pid_t pid, const char *ns)
{
  char path[64];
  struct stat sb;
  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns);
  return stat (path, &sb) == 0 ? sb.st_ino : 0;
}

/* --all without a cgroup: every process in the container's namespace ns
   (its pid namespace when it has one; else its mount namespace, which
   casco always makes, and which its processes and exec's share). */
static void
signal_namespace_members (pid_t init_pid, const char *ns, int sig)
{
  ino_t target = ns_inode (init_pid, ns);
  DIR *d = opendir ("/proc");
  if (d == NULL || target == 0)
    {
      if (d)
        closedir (d);
      return;
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      long pid;
      if (parse_long (de->d_name, &pid) < 0 || pid == init_pid)
        continue;
      if (ns_inode ((pid_t) pid, ns) == target)
        kill ((pid_t) pid, sig);
    }
  closedir (d);
}

static int
kill_state (const struct container_state *st, int sig, bool all, struct casco_error **err)
{
  _cleanup_close_ int pidfd = container_open_init_pidfd (st);
  if (pidfd < 0)
    return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
  /* --all: the cgroup knows every process; without one, the pid namespace */
  if (all && st->cgroup_path[0])
    {
      if (cgroup_signal_all (st->cgroup_path, sig, err) < 0)
        return -1;
    }
  else if (all)
    signal_namespace_members (st->pid, st->own_pid_ns ? "pid" : "mnt", sig);
  if (sys_pidfd_send_signal (pidfd, sig, NULL, 0) < 0)
    {
      /* The init was alive when the pidfd was opened: with --all, the
         cgroup's or namespace's signal may have ended it already. */
      if (errno == ESRCH && all)
        return 0;
      if (errno == ESRCH)
        return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
      return casco_error_set (err, errno, "send signal %d to container init", sig);
    }
  return 0;
}

int
container_kill (const struct casco_context *ctx, const char *id, int sig, bool all,
                struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  struct container_state st = { 0 };
  int rc = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) == 0)
    {
      if (st.status == CONTAINER_STOPPED || st.status == CONTAINER_CREATING)
        casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
      else
        rc = kill_state (&st, sig, all, err);
    }
  container_state_clear (&st);
  return rc;
}

/* ---- delete ---------------------------------------------------------------- */

/* early_kill_and_wait's hook: the cgroup's other processes get SIGKILL
   just before the init.  With its own pid namespace, SIGKILL to the init
   is enough: the kernel kills everything else in the namespace when its
   init dies. */
static void
kill_cgroup_members (void *data)
{
  const struct container_state *st = data;
  struct casco_error *ignored = NULL;
  if (st->cgroup_path[0])
    cgroup_signal_all (st->cgroup_path, SIGKILL, &ignored);
  casco_error_free (ignored);
}

static int
kill_and_wait (const struct container_state *st, struct casco_error **err)
{
  /* the step casco_entry's delete takes too (early/state_steps.c) */
  if (early_kill_and_wait (st->pid, st->pid_start_time, CASCO_KILL_WAIT_MS, kill_cgroup_members,
                           (void *) st) == -ETIMEDOUT)
    return casco_error_set (err, 0, "container init %d did not die within %d s after SIGKILL",
                            (int) st->pid, CASCO_KILL_WAIT_MS / 1000);
  return 0;   /* ended, or already gone */
}

int
container_delete (const struct casco_context *ctx, const char *id, bool force,
                  struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  struct container_state st = { 0 };
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) < 0)
    {
      container_state_clear (&st);
      /* A create that died before writing state leaves only a directory:
         delete --force clears it. */
      if (force && dirfd >= 0 && *err && casco_error_is (*err, CASCO_ERR_UNFINISHED))
        {
          casco_error_free (*err);
          *err = NULL;
          return state_dir_remove (rootfd, id, err);
        }
      /* As runc: an engine cleaning up after a failed or finished run
         force-deletes whatever may be left; nothing left is success. */
      if (force && casco_error_is (*err, CASCO_ERR_NOT_FOUND))
        {
          casco_error_free (*err);
          *err = NULL;
          return 0;
        }
      return -1;
    }
  int rc = -1;
  if (state_lock (dirfd, true, err) == 0)
    {
      state_probe (dirfd, &st);
      bool must_kill = st.status != CONTAINER_STOPPED && st.status != CONTAINER_CREATING;
      if (must_kill && st.status != CONTAINER_CREATED && !force)
        casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot delete container %s that is not stopped: %s", id,
                         container_status_name (st.status));
      else if (!must_kill || kill_and_wait (&st, err) == 0)
        {
          /* the cgroup goes first: it also ends processes that escaped the init */
          if (st.cgroup_path[0] == '\0' || cgroup_destroy (st.cgroup_path, err) == 0)
            {
              _cleanup_spec_ struct spec *spec
                  = st.config_uses & STATE_USES_POSTSTOP ? container_load_saved_spec (dirfd, id, st.config) : NULL;
              container_run_late_hooks (spec, st.bundle, id, 0, false);
              rc = state_dir_remove (rootfd, id, err);
            }
        }
    }
  container_state_clear (&st);
  return rc;
}

/* create: resolve the bundle, judge the config (validation, the policy on
   the opened objects, what this host supports), make the state dir and
   launch the init, recording its state as soon as its pid is known. */
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

/* ---- create ---------------------------------------------------------------- */

static int
resolve_bundle (const char *bundle, char **abs, int *fd, struct casco_error **err)
{
  const char *b = bundle ? bundle : ".";
  char *real = realpath (b, NULL);
  if (real == NULL && errno == ENOENT)
    return casco_error_set (err, 0, "bundle \"%s\" does not exist", b);
  if (real == NULL)
    return casco_error_set (err, errno, "bundle `%s`", b);
  *abs = real;
  *fd = open (real, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return casco_error_set (err, errno, "bundle `%s`", b);
  return 0;
}

static int
resolve_rootfs (const struct spec *s, const char *bundle, char **out, struct casco_error **err)
{
  _cleanup_free_ char *joined = s->root->path[0] == '/' ? xstrdup (s->root->path)
                                                        : xasprintf ("%s/%s", bundle, s->root->path);
  char *real = realpath (joined, NULL);
  if (real == NULL)
    return casco_error_config (err, "root.path", "rootfs `%s` does not exist: %s", joined,
                               strerror (errno));
  struct stat sb;
  if (stat (real, &sb) < 0 || !S_ISDIR (sb.st_mode))
    {
      free (real);
      return casco_error_config (err, "root.path", "rootfs `%s` is not a directory", joined);
    }
  *out = real;
  return 0;
}

/* The config's filter, or casco's built-in default when it names none: a
   config that forgets seccomp still runs confined (precompiled, so the
   default costs no libseccomp work at run time). */
int
container_seccomp_for (const struct spec *spec, struct seccomp_program *out, struct casco_error **err)
{
  return seccomp_program_for_spec (spec, out, err);
}

/* exec: `judged` are the findings of the container's own process, which
   create judged; exec is judged on what its process adds.  in: the host
   objects the config names, opened once (judge.h); NULL for exec, whose
   rules look at the process only. */
int
container_enforce_policy (const struct casco_context *ctx, const struct spec *spec, const struct judge_input *in, bool exec,
                const struct policy_findings *judged, bool no_cgroup, struct casco_error **err)
{
  struct policy_options o = { .exec = exec, .judged = judged, .no_cgroup = no_cgroup };
  if (in)
    {
      judge_options (in, &o);
      return policy_enforce (spec, ctx->policy, &o, err);
    }
  /* exec: its process's capabilities as they will be applied (the
     container's program and mounts were judged at create) */
  struct cap_sets caps;
  _cleanup_strv_ char **hooks_allowed = NULL;
  if (caps_resolve (spec->process ? spec->process->capabilities : NULL, &caps, err) < 0
      || policy_conf_hooks (&hooks_allowed, err) < 0)
    return -1;
  o.caps = &caps;
  o.hooks_allowed = hooks_allowed;
  return policy_enforce (spec, ctx->policy, &o, err);
}

/* casco needs what the rest of the code assumes; say so before anything is created. */
static int
check_supported (const struct spec *s, struct casco_error **err)
{
  if (s->process == NULL)
    return casco_error_config (err, "process", "a process is required to create a container");
  if (s->linux_ == NULL)
    return casco_error_config (err, "linux", "a linux section is required");
  /* the one deviation from the spec at every level: casco mounts the
     rootfs in the container's mount namespace and pivots into it */
  if (spec_find_namespace (s, SPEC_NS_MOUNT) == NULL)
    return casco_error_config (err, "linux.namespaces",
                               "a mount namespace is required: without one the container would share the "
                               "host's mount tree, which casco's rootfs setup changes; add {\"type\":\"mount\"} "
                               "to linux.namespaces");
  return 0;
}

/* A mount namespace joined by path, judged on the fd setns will get: never
   the host's (casco's own or PID 1's), at any level. */
static int
check_mount_ns_joined (const struct spec *s, const struct judge_input *in, struct casco_error **err)
{
  if (!ns_plan_joins_host (&in->ns, SPEC_NS_MOUNT))
    return 0;
  size_t i = 0;
  while (s->linux_->namespaces[i].type != SPEC_NS_MOUNT)
    i++;
  _cleanup_free_ char *jpath = xasprintf ("linux.namespaces[%zu].path", i);
  return casco_error_config (err, jpath,
                             "`%s` is the host's mount namespace (the one casco runs in, or PID 1's): the "
                             "rootfs setup would change the host's mount tree and the root of every process "
                             "in it; drop the \"path\" (a new mount namespace), or name a mount namespace of "
                             "the container's own (one a pod sandbox holds)",
                             s->linux_->namespaces[i].path);
}

static int
record_state (struct launch *l, const char *id, const struct spec *s, const char *bundle,
              const char *rootfs, const char *cgroup_path, struct casco_error **err)
{
  /* start, exec and delete work from the config saved here: hooks, the
     seccomp listener and exec's defaults are those the container was
     created with, whatever happens to the bundle afterwards. */
  struct container_state st = {
    .oci_version = s->oci_version,
    .id = (char *) id,
    .pid = l->init_pid,
    .pid_start_time = l->init_pid > 0 ? proc_start_time (l->init_pid) : 0,
    .bundle = (char *) bundle,
    .rootfs = (char *) rootfs,
    .owner = (char *) "",
    .annotations = s->annotations,
    .n_annotations = s->n_annotations,
    .own_pid_ns = spec_find_namespace (s, SPEC_NS_PID) != NULL
                  && spec_find_namespace (s, SPEC_NS_PID)->path == NULL,
    .cgroup_path = (char *) (cgroup_path ? cgroup_path : ""),
    .config = l->config,
    .config_uses = l->config_uses,
  };
  _cleanup_free_ char *created = rfc3339_now ();
  st.created = created;
  /* Dead already (a zombie has no start time): nothing to record, and what
     it sent on the sync socket before dying is create's error. */
  if (l->init_pid > 0 && st.pid_start_time == 0)
    return 0;
  return state_write (l->dirfd, &st, err);
}

/* What record_state needs, for spawn to call it once the pid is known. */
struct state_record
{
  struct launch *l;
  const char *id;
  const struct spec *spec;
  const char *bundle;
  const char *rootfs;
  const char *cgroup_path;
};

static int
record_state_with_pid (void *arg, struct casco_error **err)
{
  struct state_record *r = arg;
  return record_state (r->l, r->id, r->spec, r->bundle, r->rootfs, r->cgroup_path, err);
}

/* The init is READY: its socket takes the name start connects to, which is
   also what makes the state read "created" rather than "creating". */
static int
mark_created (int dirfd, struct casco_error **err)
{
  if (renameat (dirfd, EXEC_SOCK_CREATING_NAME, dirfd, EXEC_SOCK_NAME) < 0)
    return casco_error_set (err, errno, "rename %s to %s", EXEC_SOCK_CREATING_NAME, EXEC_SOCK_NAME);
  return 0;
}

/* What start and delete will need the saved config for. */
static unsigned
config_uses_of (const struct spec *s)
{
  unsigned uses = 0;
  if (s->hooks.n_poststart)
    uses |= STATE_USES_POSTSTART;
  if (s->hooks.n_poststop)
    uses |= STATE_USES_POSTSTOP;
  if (s->linux_ && s->linux_->seccomp && s->linux_->seccomp->listener_path)
    uses |= STATE_USES_LISTENER;
  return uses;
}

/* Everything create does once the state directory exists; on failure the
   caller removes the directory (and this has killed what it started). */
static int
create_in_state_dir (struct launch *l, const char *id, const struct spec *spec, const char *bundle,
                     const char *rootfs, const struct cgroup_plan *cg, struct judge_input *in,
                     const struct create_options *opts, bool foreground, struct casco_error **err)
{
  if (state_lock (l->dirfd, true, err) < 0)
    return -1;
  _cleanup_close_ int listen_fd = launch_exec_socket_listen (l->dirfd, err);
  if (listen_fd < 0)
    return -1;
  int extra_fds = 0;
  _cleanup_init_config_ struct init_config c = {
    .spec = spec,
    .process = spec->process,
    .id = id,
    .rootfs = { .spec = spec, .bundle_path = bundle, .rootfs_path = rootfs,
                .no_pivot = opts->no_pivot },
    .exec_listen_fd = listen_fd,
    .no_new_keyring = opts->no_new_keyring,
    .ns = NS_PLAN_EMPTY,
    .console_fd = -1,
    .cgroup_fd = -1,
    .lsm = LSM_PLAN_EMPTY,
  };
  _cleanup_close_ int console_fd = -1;
  _cleanup_close_ int cgroup_fd = -1;
  if (launch_open_console (spec->process, opts->console_socket, foreground, &console_fd, &l->console_peer, err) < 0
      || lsm_check (spec, spec->process, err) < 0)
    return -1;
  /* What the policy judged is what the init gets: the capability masks,
     the seccomp program, the namespaces as the fds it judged, and the bind
     trees cloned from the sources it judged (before any container exists). */
  c.caps = in->caps;
  c.seccomp = in->seccomp;
  in->seccomp = (struct seccomp_program){ 0 };
  c.ns = in->ns;
  in->ns = (struct ns_plan) NS_PLAN_EMPTY;
  _cleanup_bind_trees_ int *bind_trees = NULL;
  if (mount_bind_trees (spec, &in->sources, !cg->use, &bind_trees, err) < 0)
    return -1;
  c.rootfs.bind_trees = bind_trees;
  /* With a cgroup, a first state (no pid yet) names it before it exists, so
     that `delete --force` can clean up after a create killed half-way.
     Without one, nothing outside this directory needs cleaning up: the
     state is written once, when the init's pid is known. */
  const char *cgroup_path = cg->use ? cg->path : NULL;
  if (cg->use && record_state (l, id, spec, bundle, rootfs, cgroup_path, err) < 0)
    return -1;
  /* Limits are in place before the first process of the container exists. */
  if (cg->use && cgroup_create (cg, &spec->linux_->resources, &cgroup_fd, err) < 0)
    return -1;
  c.cgroup_fd = cgroup_fd;
  l->has_oom = cgroup_oom_read (cgroup_fd, &l->oom_before) == 0;
  c.console_fd = console_fd;
  c.rootfs.new_userns = c.ns.create[SPEC_NS_USER];
  c.rootfs.new_netns = c.ns.create[SPEC_NS_NETWORK];
  c.rootfs.new_ipcns = c.ns.create[SPEC_NS_IPC];
  c.rootfs.new_utsns = c.ns.create[SPEC_NS_UTS];
  c.rootfs.nodev = !cg->use;
  c.env = launch_process_env (spec->process, &extra_fds);
  c.preserve_fds = opts->preserve_fds + extra_fds;

  /* The state with the pid is written while the init sets itself up (it
     reads "creating" until mark_created), when the parent would only be
     waiting for READY. */
  struct state_record rec = { l, id, spec, bundle, rootfs, cgroup_path };
  const struct on_init_pid on_pid = { record_state_with_pid, &rec };
  _cleanup_close_ int sync_fd = launch_spawn (&c, &l->init_pid, &on_pid, err);
  if (sync_fd < 0)
    return -1;
  if ((cgroup_fd >= 0 && cgroup_setup_done (cgroup_fd, cgroup_path, &spec->linux_->resources, err) < 0)
      || mark_created (l->dirfd, err) < 0
      || (opts->pid_file && launch_write_pid_file (opts->pid_file, l->init_pid, err) < 0)
      || launch_commit (sync_fd, err) < 0)
    {
      launch_kill_and_reap (l->init_pid);
      l->init_pid = 0;
      return -1;
    }
  return 0;
}

int
container_create_internal (const struct casco_context *ctx, const char *id, const struct create_options *opts,
                 bool foreground, struct launch *l, struct casco_error **err)
{
  l->rootfd = l->dirfd = l->console_peer = -1;
  l->init_pid = 0;
  l->bundle = NULL;
  l->cgroup_path = NULL;
  l->config = NULL;
  if (!state_id_valid (id))
    return casco_error_set_kind (err, CASCO_ERR_INVALID_ARGUMENT, 0, "invalid container id format \"%s\": use letters, digits, "
                                    "'_', '+', '-' and '.'", id ? id : "");
  _cleanup_free_ char *bundle = NULL;
  _cleanup_close_ int bundle_fd = -1;
  if (resolve_bundle (opts->bundle, &bundle, &bundle_fd, err) < 0)
    return -1;
  struct spec *s = NULL;
  _cleanup_free_ char *config_text = NULL;
  size_t config_len = 0;
  if (spec_load_text (bundle_fd, &s, &config_text, &config_len, err) < 0)
    return -1;
  _cleanup_spec_ struct spec *spec = s;
  _cleanup_free_ char *rootfs = NULL;
  _cleanup_cgroup_plan_ struct cgroup_plan cg = { 0 };
  explain (D00, "creating container %s from bundle %s; [Dnn] is the OWASP Docker Top 10 item the "
                "step defends against", id, bundle);
  if (spec_validate (spec, err) < 0
      || check_supported (spec, err) < 0
      || resolve_rootfs (spec, bundle, &rootfs, err) < 0
      /* decided before anything exists: a v1 host refuses limits here */
      || cgroup_plan (spec, id, ctx->cgroup_disabled ? CGROUP_MANAGER_DISABLED : CGROUP_MANAGER_CGROUPFS,
                      &cg, err) < 0)
    return -1;
  /* Secure values for what the config left out (a stated value wins), as
     the level and the operator's defaults_off keep them; each said once,
     so a config that left a field out to mean the spec's value (Docker's
     seccomp=unconfined) learns what applies instead. */
  unsigned defaults_off;
  if (policy_conf_defaults_off (&defaults_off, err) < 0)
    return -1;
  {
    _cleanup_strv_ char **notes = policy_defaults_notes (spec, ctx->policy, defaults_off, !cg.use);
    for (size_t i = 0; notes && notes[i]; i++)
      casco_warn ("%s", notes[i]);
  }
  policy_apply_defaults (spec, ctx->policy, defaults_off);
  if (cg.use)
    policy_default_pids (spec, ctx->policy, defaults_off);
  /* The operator's policy sees the values casco will use, on the host
     objects create will use (opened here, once), and runs before anything
     exists: a refused config leaves no trace. */
  _cleanup_judge_input_ struct judge_input in;
  if (judge_open (spec, bundle_fd, &in, err) < 0
      || check_mount_ns_joined (spec, &in, err) < 0
      || container_enforce_policy (ctx, spec, &in, false, NULL, !cg.use, err) < 0)
    return -1;

  if (state_root_open (container_root (ctx), true, &l->rootfd, err) < 0
      || state_dir_create (l->rootfd, id, &l->dirfd, err) < 0)
    {
      launch_close (l);
      return -1;
    }
  l->bundle = xstrdup (bundle);
  l->cgroup_path = cg.use ? xstrdup (cg.path) : NULL;
  l->config = steal_pointer (&config_text);
  l->config_uses = config_uses_of (spec);
  if (create_in_state_dir (l, id, spec, bundle, rootfs, &cg, &in, opts, foreground, err) < 0)
    {
      /* Nothing is left behind: the process was reaped, now the cgroup and
         the directory. */
      struct casco_error *ignored = NULL;
      if (cg.use)
        cgroup_destroy (cg.path, &ignored);
      casco_error_free (ignored);
      ignored = NULL;
      state_dir_remove (l->rootfd, id, &ignored);
      casco_error_free (ignored);
      launch_close (l);
      return -1;
    }
  return 0;
}

int
container_create (const struct casco_context *ctx, const char *id, const struct create_options *opts,
                  struct casco_error **err)
{
  struct launch l;
  if (container_create_internal (ctx, id, opts, false, &l, err) < 0)
    return -1;
  launch_close (&l);
  return 0;
}

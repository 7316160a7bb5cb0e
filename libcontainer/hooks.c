/* Running OCI hooks: fork, state on stdin, bounded by timeout. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "hooks.h"

#define HOOK_OUTPUT_MAX 2048

char *
hooks_state_json (const struct spec *s, const char *id, const char *bundle, pid_t pid,
                  const char *status)
{
  json_writer *w = jw_new (false);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersion", s->oci_version);
  jw_kv_str (w, "id", id);
  jw_kv_str (w, "status", status);
  if (pid > 0)
    jw_kv_int (w, "pid", pid);
  jw_kv_str (w, "bundle", bundle);
  spec_write_annotations (w, s->annotations, s->n_annotations);
  jw_obj_close (w);
  return jw_finish (w, NULL);
}

_Noreturn static void
hook_child (const struct spec_hook *h, int in, int out, pid_t runtime)
{
  /* A hook must not outlive the casco that runs it: killed, casco can no
     longer enforce the hook's timeout.  (The hook's own children are not
     affected: the setting is not inherited across fork.) */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != runtime)
    _exit (127);
  /* stdin: the state; stdout+stderr: captured for error messages */
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (out, 2) < 0)
    _exit (127);
  close_range (3, ~0U, 0);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  char *default_args[] = { h->path, NULL };
  char *empty_env[] = { NULL };
  execve (h->path, h->args ? h->args : default_args, h->env ? h->env : empty_env);
  dprintf (2, "exec %s: %s", h->path, strerror (errno));
  _exit (127);
}

static long
ms_since (const struct timespec *start)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Wait for pid (our child) while draining its output; kill it at the deadline. */
static int
hook_wait (pid_t pid, int out, int timeout_s, char *buf, size_t *used, int *status)
{
  _cleanup_close_ int pidfd = sys_pidfd_open (pid, 0);
  struct timespec start;
  clock_gettime (CLOCK_MONOTONIC, &start);
  bool out_open = true;
  for (;;)
    {
      long left = timeout_s > 0 ? timeout_s * 1000L - ms_since (&start) : -1;
      if (timeout_s > 0 && left <= 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, status, 0);
          return -1;
        }
      struct pollfd fds[2] = { { .fd = pidfd, .events = POLLIN },
                               { .fd = out_open ? out : -1, .events = POLLIN } };
      if (poll (fds, 2, (int) left) < 0 && errno != EINTR)
        return -1;
      if (fds[1].revents & (POLLIN | POLLHUP))
        {
          char tmp[512];
          ssize_t n = read (out, tmp, sizeof tmp);
          if (n <= 0)
            out_open = false;
          else
            {
              size_t room = HOOK_OUTPUT_MAX - 1 - *used;
              size_t take = (size_t) n < room ? (size_t) n : room;
              memcpy (buf + *used, tmp, take);
              *used += take;
            }
        }
      if (fds[0].revents & POLLIN)
        {
          while (waitpid (pid, status, 0) < 0)
            if (errno != EINTR)
              return -1;
          return 0;
        }
    }
}

static int
hook_run_one (const struct spec_hook *h, const char *kind, size_t index, const char *state,
              struct casco_error **err)
{
  int in[2], out[2];
  /* stdin is a socket so that a hook which never reads it cannot kill us
     with SIGPIPE (send with MSG_NOSIGNAL); no signal disposition changes,
     which would otherwise leak into the container through exec. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
    return casco_error_set (err, errno, "socketpair");
  if (pipe2 (out, O_CLOEXEC) < 0)
    {
      close (in[0]);
      close (in[1]);
      return casco_error_set (err, errno, "pipe");
    }
  _cleanup_close_ int in_r = in[0], in_w = in[1], out_r = out[0], out_w = out[1];
  pid_t runtime = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    return casco_error_set (err, errno, "fork hook");
  if (pid == 0)
    hook_child (h, in_r, out_w, runtime);
  closep (&in_r);
  closep (&out_w);
  /* The state is small: it fits the socket buffer, so a hook that does not
     read it cannot block us either. */
  send (in_w, state, strlen (state), MSG_NOSIGNAL | MSG_DONTWAIT);
  closep (&in_w);
  char output[HOOK_OUTPUT_MAX];
  size_t used = 0;
  int status = 0;
  int timeout = h->has_timeout ? h->timeout : 0;
  bool timed_out = hook_wait (pid, out_r, timeout, output, &used, &status) < 0;
  output[used] = '\0';
  char jpath[64];
  snprintf (jpath, sizeof jpath, "hooks.%s[%zu]", kind, index);
  if (timed_out)
    return casco_error_config (err, jpath, "hook `%s` timed out after %d s", h->path, timeout);
  if (WIFSIGNALED (status))
    return casco_error_config (err, jpath, "hook `%s` killed by signal %d%s%s", h->path,
                               WTERMSIG (status), used ? ": " : "", output);
  if (WEXITSTATUS (status) != 0)
    return casco_error_config (err, jpath, "hook `%s` failed with exit status %d%s%s", h->path,
                               WEXITSTATUS (status), used ? ": " : "", output);
  return 0;
}

int
hooks_run (const struct spec_hook *hooks, size_t n, const char *kind, const char *state_json,
           struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      casco_debug ("running %s hook %zu: %s", kind, i, hooks[i].path);
      if (hook_run_one (&hooks[i], kind, i, state_json, err) < 0)
        return -1;
    }
  return 0;
}

void
hooks_run_warn (const struct spec_hook *hooks, size_t n, const char *kind, const char *state_json)
{
  for (size_t i = 0; i < n; i++)
    {
      struct casco_error *err = NULL;
      if (hook_run_one (&hooks[i], kind, i, state_json, &err) < 0)
        {
          _cleanup_free_ char *text = casco_error_text (err);
          casco_warn ("%s", text);
          casco_error_free (err);
        }
    }
}

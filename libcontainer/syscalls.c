/* The syscall seam: raw syscalls glibc 2.36 does not wrap. */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"

int
sys_openat2 (int dirfd, const char *path, unsigned long flags, unsigned long resolve, mode_t mode)
{
  struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

pid_t
sys_clone_parent (void)
{
  /* A NULL stack makes clone behave like fork (copy-on-write stack). */
  return (pid_t) syscall (SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
}

pid_t
sys_fork_into_cgroup (int cgroup_fd)
{
  if (cgroup_fd < 0)
    return fork ();
  struct clone_args args = {
    .flags = CLONE_INTO_CGROUP,
    .exit_signal = SIGCHLD,
    .cgroup = (uint64_t) cgroup_fd,
  };
  /* No stack given: like fork, the child runs on a copy of ours. */
  return (pid_t) syscall (SYS_clone3, &args, sizeof args);
}

pid_t
sys_clone_into (unsigned long ns_flags, int cgroup_fd)
{
  struct clone_args args = {
    .flags = ns_flags | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
    .exit_signal = SIGCHLD,
    .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
  };
  pid_t pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  /* Without a cgroup to be born into, clone does the same where clone3 is
     missing: kernels before 5.3, and valgrind, which does not emulate it.
     (No stack given: like fork, the child runs on a copy of ours.) */
  if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
    pid = (pid_t) syscall (SYS_clone, ns_flags | SIGCHLD, NULL, NULL, NULL, 0UL);
  return pid;
}

int
sys_pidfd_open (pid_t pid, unsigned int flags)
{
  return (int) syscall (SYS_pidfd_open, pid, flags);
}

int
sys_pidfd_send_signal (int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
  return (int) syscall (SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

int
sys_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}

int
sys_bpf (int cmd, union bpf_attr *attr, unsigned int size)
{
  return (int) syscall (SYS_bpf, cmd, attr, size);
}

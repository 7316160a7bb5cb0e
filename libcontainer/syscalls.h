/* casco — the syscall seam: thin wrappers for calls glibc does not wrap.
   Everything else calls these, so tests and callers see one place. */
#ifndef CASCO_SYSCALLS_H
#define CASCO_SYSCALLS_H

#include <linux/openat2.h>
#include <sys/types.h>
#include <signal.h>

int sys_openat2 (int dirfd, const char *path, unsigned long flags, unsigned long resolve, mode_t mode);
/* fork() that makes the child a child of our parent (CLONE_PARENT). */
pid_t sys_clone_parent (void);
/* fork() whose child starts inside the cgroup open at cgroup_fd (clone3
   CLONE_INTO_CGROUP), or a plain fork() when cgroup_fd < 0. */
pid_t sys_fork_into_cgroup (int cgroup_fd);
/* clone3: a child in new namespaces (CLONE_NEW* flags) and, when
   cgroup_fd >= 0, in that cgroup from its first instruction. */
pid_t sys_clone_into (unsigned long ns_flags, int cgroup_fd);
int sys_pidfd_open (pid_t pid, unsigned int flags);
int sys_pidfd_send_signal (int pidfd, int sig, siginfo_t *info, unsigned int flags);
int sys_pivot_root (const char *new_root, const char *put_old);
/* bpf(2): the cgroup v2 device filter (cgroup_bpf.c). */
union bpf_attr;
int sys_bpf (int cmd, union bpf_attr *attr, unsigned int size);

#endif

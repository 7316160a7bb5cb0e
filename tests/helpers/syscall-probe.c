/* syscall-probe — try the syscalls a container escape or a kernel attack
   starts with, and print one line per syscall: "NAME: ok" or "NAME: ERRNAME".
   Built statically by tests/bats/seccomp-default.bats (the test rootfs has
   no libc).  Each call is harmless whether it succeeds or not: an empty
   user namespace, a tmpfs on a private directory, the session keyring's id,
   kexec_load of zero segments, PTRACE_ATTACH to our own child, a 1-entry
   BPF array map.  Usage: syscall-probe [NAME...] (default: all). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
errname (int e)
{
  switch (e)
    {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EBUSY: return "EBUSY";
    case ENOENT: return "ENOENT";
    case ENOKEY: return "ENOKEY";
    case EEXIST: return "EEXIST";
    default: return strerror (e);
    }
}

static int
probe_unshare (void)
{
  /* in a child: a new user namespace must not change the prober */
  pid_t pid = fork ();
  if (pid == 0)
    _exit (unshare (CLONE_NEWUSER) == 0 ? 0 : errno);
  int st;
  waitpid (pid, &st, 0);
  return WIFEXITED (st) ? WEXITSTATUS (st) : EINTR;
}

static int
probe_mount (void)
{
  const char *dir = getenv ("PROBE_MOUNT_DIR");
  if (dir == NULL)
    dir = "/tmp";
  if (mount ("probe", dir, "tmpfs", 0, NULL) < 0)
    return errno;
  umount2 (dir, MNT_DETACH);
  return 0;
}

static int
probe_keyctl (void)
{
  return syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1) < 0 ? errno : 0;
}

static int
probe_kexec_load (void)
{
  return syscall (SYS_kexec_load, 0UL, 0UL, NULL, 0UL) < 0 ? errno : 0;
}

static int
probe_ptrace (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      pause ();
      _exit (0);
    }
  int rc = ptrace (PTRACE_ATTACH, pid, NULL, NULL) < 0 ? errno : 0;
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return rc;
}

static int
probe_bpf (void)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  long fd = syscall (SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
  if (fd < 0)
    return errno;
  close ((int) fd);
  return 0;
}

static const struct { const char *name; int (*fn) (void); } probes[] = {
  { "unshare", probe_unshare }, { "mount", probe_mount }, { "keyctl", probe_keyctl },
  { "kexec_load", probe_kexec_load }, { "ptrace", probe_ptrace }, { "bpf", probe_bpf },
};

int
main (int argc, char **argv)
{
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
    {
      int wanted = argc < 2;
      for (int a = 1; a < argc; a++)
        wanted |= strcmp (argv[a], probes[i].name) == 0;
      if (wanted)
        printf ("%s: %s\n", probes[i].name, errname (probes[i].fn ()));
    }
  return 0;
}

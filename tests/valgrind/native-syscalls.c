/* LD_PRELOAD shim for tests/valgrind/run only (never linked into casco).
   Debian 12's valgrind (3.19) predates the syscalls casco's container
   setup is built on (the new mount API, openat2, pidfd_*, mount_setattr,
   seccomp filters) and fails them with ENOSYS, so memcheck could not follow a container's
   life.  Under valgrind this shim makes those calls from the real CPU
   (VALGRIND_NON_SIMD_CALL1): memcheck keeps checking everything casco does
   around them, only these calls' own arguments go unchecked.  The native
   side must not touch libc (its TLS is valgrind's own): a bare syscall
   instruction, the result as -errno.  Outside valgrind it just forwards. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <valgrind/valgrind.h>

struct native_args { long nr, a[6]; };

static long
native_syscall (long tid, long argp)
{
  (void) tid;
  const struct native_args *x = (const struct native_args *) argp;
  long ret;
  register long r10 __asm__ ("r10") = x->a[3];
  register long r8 __asm__ ("r8") = x->a[4];
  register long r9 __asm__ ("r9") = x->a[5];
  __asm__ volatile ("syscall"
                    : "=a" (ret)
                    : "a" (x->nr), "D" (x->a[0]), "S" (x->a[1]), "d" (x->a[2]), "r" (r10), "r" (r8),
                      "r" (r9)
                    : "rcx", "r11", "memory");
  return ret;
}

/* What valgrind 3.19 does not know and casco needs.  Not clone3: a process
   created behind valgrind's back would run unchecked (casco only uses it
   with a cgroup, which the host suite has none of). */
static int
needs_native (long nr)
{
  switch (nr)
    {
    case SYS_pidfd_send_signal: case SYS_open_tree: case SYS_move_mount: case SYS_fsopen:
    case SYS_fsconfig: case SYS_fsmount: case SYS_fspick: case SYS_pidfd_open: case SYS_openat2:
    case SYS_pidfd_getfd: case SYS_mount_setattr:
    /* valgrind refuses filters (they would see its own syscalls); the
       init installs one just before exec, and exec leaves valgrind */
    case SYS_seccomp:
      return 1;
    default:
      return 0;
    }
}

static long
do_syscall (long nr, long a, long b, long c, long d, long e, long f)
{
  if (RUNNING_ON_VALGRIND && needs_native (nr))
    {
      struct native_args x = { nr, { a, b, c, d, e, f } };
      long r = (long) VALGRIND_NON_SIMD_CALL1 (native_syscall, (long) &x);
      if (r < 0 && r > -4096)
        {
          errno = (int) -r;
          return -1;
        }
      return r;
    }
  static long (*real) (long, ...);
  if (real == NULL)
    real = (long (*) (long, ...)) dlsym (RTLD_NEXT, "syscall");
  return real (nr, a, b, c, d, e, f);
}

long
syscall (long nr, ...)
{
  va_list ap;
  long a[6];
  va_start (ap, nr);
  for (int i = 0; i < 6; i++)
    a[i] = va_arg (ap, long);
  va_end (ap);
  return do_syscall (nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* glibc 2.36's wrappers for the new mount API. */
int open_tree (int dfd, const char *path, unsigned flags)
{ return (int) do_syscall (SYS_open_tree, dfd, (long) path, flags, 0, 0, 0); }
int move_mount (int fd1, const char *p1, int fd2, const char *p2, unsigned flags)
{ return (int) do_syscall (SYS_move_mount, fd1, (long) p1, fd2, (long) p2, flags, 0); }
int fsopen (const char *fs, unsigned flags)
{ return (int) do_syscall (SYS_fsopen, (long) fs, flags, 0, 0, 0, 0); }
int fsconfig (int fd, unsigned cmd, const char *key, const void *value, int aux)
{ return (int) do_syscall (SYS_fsconfig, fd, cmd, (long) key, (long) value, aux, 0); }
int fsmount (int fd, unsigned flags, unsigned attr)
{ return (int) do_syscall (SYS_fsmount, fd, flags, attr, 0, 0, 0); }
int fspick (int dfd, const char *path, unsigned flags)
{ return (int) do_syscall (SYS_fspick, dfd, (long) path, flags, 0, 0, 0); }
struct mount_attr;
int mount_setattr (int dfd, const char *path, unsigned flags, struct mount_attr *attr, size_t size)
{ return (int) do_syscall (SYS_mount_setattr, dfd, (long) path, flags, (long) attr, (long) size, 0); }
int pidfd_open (int pid, unsigned flags)
{ return (int) do_syscall (SYS_pidfd_open, pid, flags, 0, 0, 0, 0); }

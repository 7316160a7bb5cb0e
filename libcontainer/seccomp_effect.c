/* What a compiled seccomp program lets through, judged by running it.
   A profile's shape says little: defaultAction SCMP_ACT_ALLOW with one rule
   for a syscall nobody calls, a clone rule that denies CLONE_NEWUSER only
   when no other flag is set, or a filter for x86_64 that lets i386's int
   0x80 through all look confined.  So the policy runs the very program the
   init will install over the syscalls that lead out of a container, on
   every ABI this machine's kernel accepts, with the arguments that matter. */
#include <linux/audit.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>

#include "util.h"
#include "seccomp_filter.h"

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif

/* flags_arg: the argument that carries namespace flags (-1: none); each try
   of such a syscall sets `flags` there, with other bits or'ed in. */
static const struct escape
{
  const char *name;
  const char *shown;
  int flags_arg;
  uint64_t flags;
  bool needs_ptrace_cap;
  /* an engine's default profile lets it through (Podman's: nested user
     namespaces and their mounts, keyrings; Docker's: ptrace): weaker than
     casco's default, but what engines ship, so baseline warns */
  bool engines_allow;
} escapes[] = {
  { "unshare", "unshare(CLONE_NEWUSER)", 0, CLONE_NEWUSER, false, true },
  { "clone", "clone(CLONE_NEWUSER)", 0, CLONE_NEWUSER, false, true },
  { "clone3", "clone3", -1, 0, false, true },   /* its flags sit in a struct no filter can read */
  { "mount", "mount", -1, 0, false, true },
  { "umount", "umount", -1, 0, false, true },
  { "umount2", "umount2", -1, 0, false, true },
  { "pivot_root", "pivot_root", -1, 0, false, true },
  { "move_mount", "move_mount", -1, 0, false, true },
  { "open_tree", "open_tree", -1, 0, false, true },
  { "fsopen", "fsopen", -1, 0, false, true },
  { "fsconfig", "fsconfig", -1, 0, false, true },
  { "fsmount", "fsmount", -1, 0, false, true },
  { "fspick", "fspick", -1, 0, false, true },
  { "mount_setattr", "mount_setattr", -1, 0, false, true },
  { "setns", "setns", -1, 0, false, true },
  { "open_by_handle_at", "open_by_handle_at", -1, 0, false, false },
  { "bpf", "bpf", -1, 0, false, false },
  { "keyctl", "keyctl", -1, 0, false, true },
  { "add_key", "add_key", -1, 0, false, false },
  { "request_key", "request_key", -1, 0, false, false },
  { "kexec_load", "kexec_load", -1, 0, false, false },
  { "kexec_file_load", "kexec_file_load", -1, 0, false, false },
  { "init_module", "init_module", -1, 0, false, false },
  { "finit_module", "finit_module", -1, 0, false, false },
  { "delete_module", "delete_module", -1, 0, false, false },
  { "perf_event_open", "perf_event_open", -1, 0, false, false },
  { "userfaultfd", "userfaultfd", -1, 0, false, false },
  { "swapon", "swapon", -1, 0, false, false },
  { "swapoff", "swapoff", -1, 0, false, false },
  { "reboot", "reboot", -1, 0, false, true },
  { "iopl", "iopl", -1, 0, false, false },
  { "ioperm", "ioperm", -1, 0, false, false },
  { "vm86", "vm86", -1, 0, false, false },
  { "vm86old", "vm86old", -1, 0, false, false },
  { "quotactl", "quotactl", -1, 0, false, false },
  { "acct", "acct", -1, 0, false, false },
  { "lookup_dcookie", "lookup_dcookie", -1, 0, false, false },
  { "ptrace", "ptrace", -1, 0, true, true },
};

/* The ABIs a process on this machine can enter the kernel with: what
   seccomp_data.arch says for each, and how libseccomp names its numbers
   (x32's carry the 0x40000000 bit already). */
struct abi
{
  const char *name;
  uint32_t scmp_arch;
  uint32_t audit_arch;
  bool args32;   /* a compat ABI: arguments are 32-bit registers */
};

static const struct abi abis_x86_64[] = {
  { "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false },
  { "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386, true },
  { "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, false },
};
static const struct abi abis_aarch64[] = {
  { "aarch64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, false },
  { "arm", SCMP_ARCH_ARM, AUDIT_ARCH_ARM, true },
};

static const struct abi *
machine_abis (size_t *n, struct abi *native)
{
  uint32_t arch = seccomp_arch_native ();
  if (arch == SCMP_ARCH_X86_64)
    {
      *n = ARRAY_SIZE (abis_x86_64);
      return abis_x86_64;
    }
  if (arch == SCMP_ARCH_AARCH64)
    {
      *n = ARRAY_SIZE (abis_aarch64);
      return abis_aarch64;
    }
  /* elsewhere the native ABI alone (libseccomp tokens are AUDIT_ARCH values) */
  *native = (struct abi){ "native", arch, arch, false };
  *n = 1;
  return native;
}

/* ALLOW and LOG run the syscall; TRACE runs it when a tracer in the
   container says so.  ERRNO, KILL, TRAP and USER_NOTIF (an agent decides
   outside the container) do not; nor does a program the kernel would not
   load. */
static bool
action_lets_through (uint32_t ret)
{
  if (ret == SECCOMP_RUN_INVALID)
    return false;
  uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
  return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG || action == SECCOMP_RET_TRACE;
}

/* Does p let syscall e through on abi a with any of the tried arguments?
   The other arguments are tried as zero, all ones and a pointer-like value
   (a rule that denies only one exact argument lets the others through);
   the flags argument as the escape's flags alone, with common companions,
   and with every bit set. */
static bool
lets_through (const struct seccomp_program *p, const struct abi *a, int nr, const struct escape *e)
{
  if (p->insns == NULL)
    return true;
  static const uint64_t fill[] = { 0, UINT64_MAX, UINT64_C (0x7ffd8a3c1000) };
  static const uint64_t companions[] = { 0, CLONE_NEWNS | 17 /* SIGCHLD */, UINT64_MAX };
  for (size_t f = 0; f < ARRAY_SIZE (fill); f++)
    for (size_t k = 0; k < (e->flags_arg >= 0 ? ARRAY_SIZE (companions) : 1); k++)
      {
        struct seccomp_data d = { .nr = nr, .arch = a->audit_arch };
        for (int i = 0; i < 6; i++)
          d.args[i] = fill[f];
        if (e->flags_arg >= 0)
          d.args[e->flags_arg] = e->flags | companions[k];
        if (a->args32)
          for (int i = 0; i < 6; i++)
            d.args[i] &= UINT32_MAX;
        if (action_lets_through (seccomp_run (p->insns, p->len, &d)))
          return true;
      }
  return false;
}

char **
seccomp_effect_escapes (const struct seccomp_program *p, const struct seccomp_program *reference,
                        bool ptrace_cap, bool beyond_engines)
{
  struct abi native;
  size_t n_abis;
  const struct abi *abis = machine_abis (&n_abis, &native);
  char **found = NULL;
  for (size_t k = 0; k < n_abis; k++)
    {
      _cleanup_free_ char *names = NULL;
      for (size_t i = 0; i < ARRAY_SIZE (escapes); i++)
        {
          const struct escape *e = &escapes[i];
          if ((e->needs_ptrace_cap && !ptrace_cap) || (beyond_engines && e->engines_allow))
            continue;
          int nr = seccomp_syscall_resolve_name_arch (abis[k].scmp_arch, e->name);
          if (nr < 0)
            continue;   /* this ABI has no such syscall */
          /* what casco's own default denies is what a profile must deny */
          if ((reference && lets_through (reference, &abis[k], nr, e)) || !lets_through (p, &abis[k], nr, e))
            continue;
          char *more = xasprintf ("%s%s%s", names ? names : "", names ? ", " : "", e->shown);
          free (names);
          names = more;
        }
      if (names)
        {
          _cleanup_free_ char *line = xasprintf ("%s: %s", abis[k].name, names);
          found = strv_append (found, line);
        }
    }
  return found;
}

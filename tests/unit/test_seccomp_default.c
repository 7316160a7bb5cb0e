/* The built-in default seccomp profile.  The program embedded in casco
   (seccomp/default-bpf.c, made at build time) must decide every syscall
   exactly as a fresh libseccomp compilation of seccomp/default.json does,
   and the decisions must be the ones seccomp/README.md documents.  Both
   programs run through a small classic-BPF interpreter over struct
   seccomp_data, for every ABI this machine runs. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "util.h"
#include "../../libcontainer/seccomp_filter.h"
#include "unit.h"

#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | 1)
#define ENOSYS_ (SECCOMP_RET_ERRNO | 38)
#define BAD_RUN SECCOMP_RUN_INVALID

/* ---- the two programs and the ABIs ---------------------------------------- */

static struct spec_seccomp *profile;
static struct seccomp_program embedded, fresh;
static char **abi_names;
static unsigned long n_cases, n_mismatches;

/* What the kernel puts in seccomp_data.arch for each ABI: x32 shares
   x86_64's audit arch and marks its numbers with bit 30 instead (libseccomp
   returns x32 numbers with that bit already set). */
static const struct abi
{
  const char *name;
  uint32_t token, audit;
  bool wide_args;   /* the filter compares all 64 bits of an argument */
} abis[] = {
  { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, true },
  { "SCMP_ARCH_X86", SCMP_ARCH_X86, AUDIT_ARCH_I386, false },
  { "SCMP_ARCH_X32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, false },
  { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, true },
  { "SCMP_ARCH_ARM", SCMP_ARCH_ARM, AUDIT_ARCH_ARM, false },
};

static bool
abi_selected (const struct abi *abi)
{
  for (size_t i = 0; abi_names && abi_names[i]; i++)
    if (strcmp (abi_names[i], abi->name) == 0)
      return true;
  return false;
}

#define FOR_EACH_ABI(abi) \
  for (const struct abi *abi = abis; abi < abis + ARRAY_SIZE (abis); abi++) \
    if (abi_selected (abi))

/* Both programs decide one syscall; they must agree.  Returns the decision. */
static uint32_t
decide (const struct abi *abi, int nr, uint64_t arg0)
{
  struct seccomp_data d = { .nr = nr, .arch = abi->audit, .args = { arg0 } };
  uint32_t e = seccomp_run (embedded.insns, embedded.len, &d);
  uint32_t f = seccomp_run (fresh.insns, fresh.len, &d);
  n_cases++;
  if (e != f || e == BAD_RUN)
    {
      n_mismatches++;
      unit_current_failed = 1;
      printf ("#   %s nr %d arg0 %#llx: embedded %#x, fresh compile %#x\n", abi->name, nr,
              (unsigned long long) arg0, e, f);
    }
  return e;
}

static int
nr_of (const struct abi *abi, const char *name)
{
  return seccomp_syscall_resolve_name_arch (abi->token, name);   /* < 0: not on this ABI */
}

static void
expect (const struct abi *abi, int nr, uint64_t arg0, uint32_t want, const char *what)
{
  uint32_t got = decide (abi, nr, arg0);
  if (got != want)
    {
      unit_current_failed = 1;
      printf ("#   %s %s (nr %d, arg0 %#llx): got %#x, want %#x\n", abi->name, what, nr,
              (unsigned long long) arg0, got, want);
    }
}

static char *
profile_path (const char *name)
{
  const char *srcdir = getenv ("srcdir");
  if (srcdir)
    return xasprintf ("%s/seccomp/%s", srcdir, name);
  _cleanup_free_ char *dir = xstrdup (__FILE__);   /* run by hand: next to the sources */
  char *slash = strrchr (dir, '/');
  if (slash == NULL)
    return xasprintf ("../../seccomp/%s", name);
  *slash = '\0';
  return xasprintf ("%s/../../seccomp/%s", dir, name);
}

static char *
read_source_file (const char *name)
{
  _cleanup_free_ char *path = profile_path (name);
  _cleanup_error_ struct casco_error *err = NULL;
  char *text = NULL;
  size_t len = 0;
  if (read_file_at (AT_FDCWD, path, &text, &len, &err) < 0)
    printf ("#   %s\n", err->msg);
  return text;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_profile_compiles_for_this_machine (void)
{
  _cleanup_free_ char *json = read_source_file ("default.json");
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (json != NULL);
  if (json == NULL)
    return;
  CHECK (spec_parse_seccomp (json, strlen (json), &profile, &err) == 0);
  if (profile == NULL)
    return;
  CHECK_STR (profile->default_action, "SCMP_ACT_ERRNO");
  CHECK (profile->has_default_errno_ret && profile->default_errno_ret == 1);
  CHECK (seccomp_default_arches (profile->architectures, &abi_names, &err) == 0);

  /* The fresh compilation: what casco would build from the file today. */
  struct spec_seccomp copy = *profile;
  copy.architectures = abi_names;
  CHECK (seccomp_compile (&copy, &fresh, &err) == 0);
  CHECK (seccomp_default_program (&embedded, &err) == 0);
  CHECK (embedded.insns != NULL && fresh.insns != NULL);
  CHECK (embedded.flags == fresh.flags && !embedded.wants_listener);
  if (err)
    printf ("#   %s\n", err->msg);

  /* This machine's native ABI and its companions are all filtered. */
  uint32_t native = seccomp_arch_native ();
  bool native_in = false;
  size_t n = 0;
  FOR_EACH_ABI (abi)
    {
      native_in = native_in || abi->token == native;
      n++;
    }
  CHECK (native_in);
  CHECK (n == strv_len (abi_names));
  if (native == SCMP_ARCH_X86_64)
    CHECK (n == 3);
  if (native == SCMP_ARCH_AARCH64)
    CHECK (n == 2);
  printf ("# ABIs:");
  for (size_t i = 0; abi_names && abi_names[i]; i++)
    printf (" %s", abi_names[i]);
  printf ("; embedded %u insns, fresh %u insns, byte-identical: %s\n", embedded.len, fresh.len,
          embedded.len == fresh.len
                  && memcmp (embedded.insns, fresh.insns, embedded.len * sizeof *embedded.insns) == 0
              ? "yes"
              : "no");
}

/* Every number the kernel could see, with plain and all-ones arguments. */
static void
test_every_syscall_number_agrees (void)
{
  static const int odd[] = { -1, 0x3fffffff, 0x40000000 - 1, 0x7fffffff, (int) 0x80000000u, 4096, 100000 };
  FOR_EACH_ABI (abi)
    {
      int base = abi->token == SCMP_ARCH_X32 ? 0x40000000 : 0;
      for (int nr = 0; nr < 1024; nr++)
        {
          decide (abi, base + nr, 0);
          decide (abi, base + nr, UINT64_MAX);
        }
      for (int nr = 0x0f0000; nr < 0x0f0010; nr++)   /* arm's private syscalls */
        decide (abi, nr, 0);
      for (size_t i = 0; i < ARRAY_SIZE (odd); i++)
        decide (abi, odd[i], 0);
    }
}

/* A syscall from an ABI the filter has no section for is killed. */
static void
test_foreign_abi_is_killed (void)
{
  static const struct abi foreign[] = {
    { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, AUDIT_ARCH_PPC64LE, true },
    { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, AUDIT_ARCH_RISCV64, true },
    { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, true },
    { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, true },
  };
  for (size_t i = 0; i < ARRAY_SIZE (foreign); i++)
    if (!abi_selected (&foreign[i]))
      for (int nr = 0; nr < 64; nr++)
        {
          uint32_t got = decide (&foreign[i], nr, 0);
          if (got != SECCOMP_RET_KILL_THREAD && got != SECCOMP_RET_KILL_PROCESS)
            {
              unit_current_failed = 1;
              printf ("#   foreign %s nr %d: %#x, want a kill\n", foreign[i].name, nr, got);
            }
        }
}

/* Each unconditional group decides its names as its action says: allow
   groups allow, the documented deny groups return EPERM, clone3 ENOSYS. */
static void
test_named_rules_decide_as_written (void)
{
  for (size_t g = 0; profile && g < profile->n_syscalls; g++)
    {
      const struct spec_seccomp_syscall *sc = &profile->syscalls[g];
      if (sc->n_args > 0)
        continue;   /* the argument filters have their own tests below */
      uint32_t want;
      if (strcmp (sc->action, "SCMP_ACT_ALLOW") == 0)
        want = ALLOW;
      else
        want = SECCOMP_RET_ERRNO | (sc->has_errno_ret ? sc->errno_ret : 1);
      for (size_t k = 0; sc->names[k]; k++)
        {
          /* Unknown to this libseccomp: compiled as the default (see the
             build log), so only the allow groups would be wrong... and
             they cannot be tested either: there is no number to try. */
          if (seccomp_syscall_resolve_name (sc->names[k]) == __NR_SCMP_ERROR)
            continue;
          FOR_EACH_ABI (abi)
            {
              int nr = nr_of (abi, sc->names[k]);
              if (nr >= 0)
                expect (abi, nr, 0, want, sc->names[k]);
            }
        }
    }
}

static void
test_clone_without_namespace_flags (void)
{
  static const uint64_t bases[] = {
    0,
    SIGCHLD,                                                           /* fork() */
    CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,               /* glibc fork() */
    CLONE_VM | CLONE_VFORK | SIGCHLD,                                  /* posix_spawn */
    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS
        | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,                  /* pthread_create */
    CLONE_PIDFD | CLONE_PARENT | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO,
  };
  static const uint64_t ns_flags[] = {
    CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
  };
  static const uint64_t highs[] = { 0, 1ull << 32, 0xffffffffull << 32 };
  FOR_EACH_ABI (abi)
    {
      int nr = nr_of (abi, "clone");
      CHECK (nr >= 0);
      for (size_t b = 0; b < ARRAY_SIZE (bases); b++)
        for (size_t h = 0; h < ARRAY_SIZE (highs); h++)
          {
            /* The kernel reads the low 32 bits of clone's flags; high bits
               change nothing, in the kernel or in the filter. */
            uint64_t base = bases[b] | highs[h];
            expect (abi, nr, base, ALLOW, "clone without CLONE_NEW*");
            uint64_t all = 0;
            for (size_t f = 0; f < ARRAY_SIZE (ns_flags); f++)
              {
                expect (abi, nr, base | ns_flags[f], EPERM_, "clone with one CLONE_NEW*");
                all |= ns_flags[f];
              }
            expect (abi, nr, base | all, EPERM_, "clone with every CLONE_NEW*");
            CHECK (all == 0x7E020000);
          }
      /* CLONE_NEWTIME is 0x80, inside clone()'s exit-signal byte: clone()
         cannot ask for it (only clone3 and unshare can, both refused). */
      expect (abi, nr, 0x80, ALLOW, "clone with 0x80 as its exit signal");
    }
}

static void
test_clone3_falls_back (void)
{
  FOR_EACH_ABI (abi)
    {
      int nr = nr_of (abi, "clone3");
      CHECK (nr >= 0);
      for (uint64_t a = 0; a < 4; a++)
        expect (abi, nr, a << 28, ENOSYS_, "clone3");
    }
}

static void
test_personality_values (void)
{
  static const struct { uint64_t v; bool ok; } cases[] = {
    { 0x0, true },           /* PER_LINUX */
    { 0x8, true },           /* PER_LINUX32 (linux32, setarch i686) */
    { 0x20000, true },       /* PER_LINUX | UNAME26 */
    { 0x20008, true },       /* PER_LINUX32 | UNAME26 */
    { 0xffffffff, true },    /* query the current persona */
    { 0x40000, false },      /* ADDR_NO_RANDOMIZE: no ASLR */
    { 0x400000, false },     /* READ_IMPLIES_EXEC */
    { 0x100000, false },     /* MMAP_PAGE_ZERO: a mapping at NULL */
    { 0x0800000, false },    /* PER_LINUX_32BIT (ADDR_LIMIT_32BIT) */
    { 0x8 | 0x40000, false },
    { 0x1, false },          /* PER_SVR4-style foreign personas */
    { 0x10, false },
    { 0xfffffffe, false },
  };
  FOR_EACH_ABI (abi)
    {
      int nr = nr_of (abi, "personality");
      CHECK (nr >= 0);
      for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
        {
          expect (abi, nr, cases[i].v, cases[i].ok ? ALLOW : EPERM_, "personality");
          /* High bits: a wide ABI compares them and fails closed (the
             kernel would drop them); a narrow one never sees them. */
          uint32_t want = cases[i].ok && !abi->wide_args ? ALLOW : EPERM_;
          expect (abi, nr, cases[i].v | (1ull << 32), want, "personality with high bits");
        }
    }
}

/* socket(): every family but AF_VSOCK (40), judged on the low 32 bits the
   kernel uses, so socket(40 | 1 << 32) cannot slip past on 64-bit ABIs. */
static void
test_socket_families (void)
{
  static const uint64_t highs[] = { 0, 1ull << 32, 0xffffffffull << 32 };
  FOR_EACH_ABI (abi)
    {
      int nr = nr_of (abi, "socket");
      if (nr < 0 && abi->token == SCMP_ARCH_X86)
        nr = 359;   /* i386's direct socket(2); libseccomp names it through socketcall */
      CHECK (nr >= 0);
      for (size_t h = 0; h < ARRAY_SIZE (highs); h++)
        {
          for (uint64_t family = 0; family < 128; family++)
            expect (abi, nr, family | highs[h], family < 64 && family != 40 ? ALLOW : EPERM_,
                    "socket family");
          expect (abi, nr, 0xffffffffull | highs[h], EPERM_, "socket family -1");
          expect (abi, nr, 0x80000028ull | highs[h], EPERM_, "socket family with bit 31");
          expect (abi, nr, 0x00010028ull | highs[h], EPERM_, "socket family 40 + 65536");
        }
    }
}

static void
test_spot_checks (void)
{
  static const struct { const char *name; uint64_t arg0; uint32_t want; } spots[] = {
    { "mkdir", 0, ALLOW }, { "mkdirat", 0, ALLOW }, { "read", 0, ALLOW }, { "execve", 0, ALLOW },
    { "exit_group", 0, ALLOW }, { "rt_sigreturn", 0, ALLOW }, { "futex", 0, ALLOW },
    { "mount", 0, EPERM_ }, { "umount2", 0, EPERM_ }, { "unshare", 0, EPERM_ },
    { "unshare", CLONE_NEWUSER, EPERM_ }, { "setns", 0, EPERM_ }, { "keyctl", 0, EPERM_ },
    { "add_key", 0, EPERM_ }, { "kexec_load", 0, EPERM_ }, { "ptrace", 0, EPERM_ },
    { "process_vm_readv", 0, EPERM_ }, { "bpf", 0, EPERM_ }, { "perf_event_open", 0, EPERM_ },
    { "userfaultfd", 0, EPERM_ }, { "io_uring_setup", 0, EPERM_ }, { "open_by_handle_at", 0, EPERM_ },
    { "init_module", 0, EPERM_ }, { "reboot", 0, EPERM_ }, { "pivot_root", 0, EPERM_ },
    { "clock_settime", 0, EPERM_ }, { "sethostname", 0, EPERM_ }, { "syslog", 0, EPERM_ },
    { "clone3", 0, ENOSYS_ }, { "clone", CLONE_NEWUSER, EPERM_ }, { "clone", SIGCHLD, ALLOW },
    { "socket", 40, EPERM_ }, { "socket", 40 | (1ull << 32), EPERM_ }, { "socket", 2, ALLOW },
    { "socket", 1, ALLOW }, { "personality", 0x40000, EPERM_ }, { "chroot", 0, ALLOW },
  };
  uint32_t native = seccomp_arch_native ();
  FOR_EACH_ABI (abi)
    if (abi->token == native)
      for (size_t i = 0; i < ARRAY_SIZE (spots); i++)
        {
          int nr = nr_of (abi, spots[i].name);
          if (nr >= 0)   /* mkdir does not exist on aarch64: mkdirat covers it */
            expect (abi, nr, spots[i].arg0, spots[i].want, spots[i].name);
          else
            CHECK (strcmp (spots[i].name, "mkdir") == 0);
        }
}

/* seccomp_program_allows, which decides whether the init may install the
   filter while it waits for start: the default profile allows the waiting's
   syscalls, a profile denying one of them does not, argument rules count,
   and no filter allows everything. */
static void
test_program_allows (void)
{
  uint64_t none[6] = { 0 };
  CHECK (seccomp_program_allows (&embedded, SYS_accept4, none));
  CHECK (seccomp_program_allows (&embedded, SYS_recvmsg, none));
  CHECK (seccomp_program_allows (&embedded, SYS_execve, none));
  CHECK (!seccomp_program_allows (&embedded, SYS_mount, none));
  static const char deny[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                             "{\"names\": [\"accept4\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                             "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\","
                             " \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}";
  struct spec_seccomp *s = NULL;
  struct seccomp_program p = { 0 };
  struct casco_error *err = NULL;
  CHECK (spec_parse_seccomp (deny, sizeof deny - 1, &s, &err) == 0);
  CHECK (s != NULL && seccomp_compile (s, &p, &err) == 0);
  CHECK (!seccomp_program_allows (&p, SYS_accept4, none));
  CHECK (seccomp_program_allows (&p, SYS_recvmsg, none));
  uint64_t linux32[6] = { 8 }, linux_[6] = { 0 };
  CHECK (!seccomp_program_allows (&p, SYS_personality, linux32));
  CHECK (seccomp_program_allows (&p, SYS_personality, linux_));
  struct seccomp_program nothing = { 0 };
  CHECK (seccomp_program_allows (&nothing, SYS_mount, none));
  seccomp_program_clear (&p);
  spec_seccomp_free (s);
  casco_error_free (err);
}

/* README.md is the profile's comment file: a table row per group, by index,
   naming the group's first syscall. */
static void
test_readme_documents_every_group (void)
{
  _cleanup_free_ char *readme = read_source_file ("README.md");
  CHECK (readme != NULL);
  for (size_t g = 0; readme && profile && g < profile->n_syscalls; g++)
    {
      _cleanup_free_ char *row = xasprintf ("\n| %zu | `%s`", g, profile->syscalls[g].names[0]);
      if (strstr (readme, row) == NULL)
        {
          unit_current_failed = 1;
          printf ("#   README.md has no row \"%s\"\n", row + 1);
        }
    }
  _cleanup_free_ char *past = xasprintf ("\n| %zu | ", profile ? profile->n_syscalls : 0);
  CHECK (readme == NULL || strstr (readme, past) == NULL);   /* no row for a group that is gone */
}

int
main (void)
{
  RUN (test_profile_compiles_for_this_machine);
  if (profile == NULL || embedded.insns == NULL || fresh.insns == NULL)
    return UNIT_DONE ();
  RUN (test_every_syscall_number_agrees);
  RUN (test_foreign_abi_is_killed);
  RUN (test_named_rules_decide_as_written);
  RUN (test_clone_without_namespace_flags);
  RUN (test_clone3_falls_back);
  RUN (test_personality_values);
  RUN (test_socket_families);
  RUN (test_spot_checks);
  RUN (test_program_allows);
  RUN (test_readme_documents_every_group);
  printf ("# %lu cases run through both programs, %lu disagreements\n", n_cases, n_mismatches);
  seccomp_program_clear (&embedded);
  seccomp_program_clear (&fresh);
  spec_seccomp_free (profile);
  strv_free (abi_names);
  return UNIT_DONE ();
}

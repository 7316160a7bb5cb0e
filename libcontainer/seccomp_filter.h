/* casco — seccomp from linux.seccomp.  The parent compiles the profile with
   libseccomp and exports classic BPF; the init installs that program with
   one seccomp(2) call, so no libseccomp work runs in the container.
   (Not named seccomp.h: that would shadow libseccomp's <seccomp.h>.) */
#ifndef CASCO_SECCOMP_FILTER_H
#define CASCO_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "casco/spec.h"

struct casco_error;

struct seccomp_program
{
  struct sock_filter *insns;   /* NULL when no filter is to be installed */
  unsigned short len;
  unsigned int flags;          /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool wants_listener;         /* some rule uses SCMP_ACT_NOTIFY */
  unsigned n_rules;            /* syscall rules compiled in (for --explain) */
  bool is_default;             /* casco's built-in profile, not linux.seccomp */
};

int seccomp_compile (const struct spec_seccomp *s, struct seccomp_program *out,
                     struct casco_error **err);
/* Install in the calling process.  *listener_fd gets the notify fd when
   the program has NOTIFY rules, else -1. */
int seccomp_install (const struct seccomp_program *p, int *listener_fd, struct casco_error **err);
void seccomp_program_clear (struct seccomp_program *p);
#define _cleanup_seccomp_program_ __attribute__ ((cleanup (seccomp_program_clear)))

/* Run a program over one syscall as the kernel would: the SECCOMP_RET_*
   value it returns, or SECCOMP_RUN_INVALID for an instruction a seccomp
   filter may not use (the kernel refuses such a program at load). */
#define SECCOMP_RUN_INVALID 0xdeadbeefu
uint32_t seccomp_run (const struct sock_filter *insns, unsigned len, const struct seccomp_data *d);
/* True when p lets a process of casco's own ABI make syscall nr with these
   arguments (no filter allows everything). */
bool seccomp_program_allows (const struct seccomp_program *p, long nr, const uint64_t args[6]);

/* The built-in default profile (seccomp/default.json), compiled to BPF at
   build time and embedded in the casco binary.  *out gets a copy to clear
   with seccomp_program_clear; -1 when the binary was linked without it. */
int seccomp_default_program (struct seccomp_program *out, struct casco_error **err);
/* The subset of a profile's architectures ("SCMP_ARCH_X86_64", ...) this
   machine runs: the native ABI and its compat ABIs.  Used to compile the
   default profile for the build machine (and by its test).  Caller frees. */
int seccomp_default_arches (char *const *listed, char ***out, struct casco_error **err);

/* The program a container of this spec installs: linux.seccomp compiled,
   or casco's built-in default when the config names none.  What create and
   exec install and what the policy judges (one compile, one object). */
int seccomp_program_for_spec (const struct spec *spec, struct seccomp_program *out,
                              struct casco_error **err);

/* The syscalls that lead out of a container (unshare(CLONE_NEWUSER),
   mount, bpf, kexec_load, ... and ptrace when ptrace_cap) that p lets
   through (ALLOW, LOG, TRACE) on some ABI of this machine while reference
   (casco's default program; NULL: none is let through) denies them, tried
   with the arguments that matter; beyond_engines: only those every engine's
   default profile denies too.  One line per ABI that lets some through,
   "i386: unshare(CLONE_NEWUSER), mount"; NULL when none.  Caller frees with strv_free. */
char **seccomp_effect_escapes (const struct seccomp_program *p, const struct seccomp_program *reference,
                               bool ptrace_cap, bool beyond_engines);

/* Hand a notify fd to the listener at s->listener_path, as runc does: one
   message with the fd (SCM_RIGHTS) and a JSON ContainerProcessState
   {ociVersion, fds: ["seccompFd"], pid, metadata, state}. */
int seccomp_send_listener (const struct spec_seccomp *s, int notify_fd, pid_t pid,
                           const char *state_json, struct casco_error **err);

/* Exposed for tests: "SCMP_ACT_ERRNO" -> libseccomp action (errno_ret used
   for ERRNO/TRACE); -1 when unknown. */
int seccomp_action_parse (const char *name, bool has_errno, unsigned errno_ret, uint32_t *action);

#endif

/* The built-in default seccomp profile.  seccomp/default.json is compiled
   to classic BPF when casco is built (seccomp/compile-profile writes
   seccomp/default-bpf.c); this file hands that program out, so a container
   without linux.seccomp gets a filter with no libseccomp work at start. */
#include <seccomp.h>
#include <string.h>

#include "casco/error.h"
#include "util.h"
#include "seccomp_filter.h"

/* Defined by the generated seccomp/default-bpf.c, which is linked into the
   casco binary but not into libcasco.a: compile-profile links the library
   to produce that file, and unit tests link the library without it.  Weak
   references let both link; a binary without the program gets an error
   from seccomp_default_program, never a silent "no filter". */
extern const struct sock_filter casco_default_seccomp_insns[] __attribute__ ((weak));
extern const unsigned short casco_default_seccomp_len __attribute__ ((weak));
extern const unsigned int casco_default_seccomp_flags __attribute__ ((weak));
extern const unsigned int casco_default_seccomp_rules __attribute__ ((weak));

int
seccomp_default_program (struct seccomp_program *out, struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  if (casco_default_seccomp_insns == NULL || &casco_default_seccomp_len == NULL
      || &casco_default_seccomp_flags == NULL || casco_default_seccomp_len == 0)
    return casco_error_set (err, 0,
                            "this casco was built without its default seccomp profile "
                            "(seccomp/default-bpf.c is not linked in); rebuild casco");
  size_t size = (size_t) casco_default_seccomp_len * sizeof (struct sock_filter);
  out->insns = xmalloc0 (size);
  memcpy (out->insns, casco_default_seccomp_insns, size);
  out->len = casco_default_seccomp_len;
  out->flags = casco_default_seccomp_flags;
  out->n_rules = &casco_default_seccomp_rules != NULL ? casco_default_seccomp_rules : 0;
  out->is_default = true;
  return 0;
}

/* Which ABIs a process on this machine can use.  The kernel reports the
   ABI of each syscall in seccomp_data.arch, so a filter needs a section
   for every ABI the machine runs and none for the others. */
static const struct
{
  const char *name;
  uint32_t token;
  int family;
} arch_families[] = {
  { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, 1 },
  { "SCMP_ARCH_X86", SCMP_ARCH_X86, 1 },
  { "SCMP_ARCH_X32", SCMP_ARCH_X32, 1 },
  { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, 2 },
  { "SCMP_ARCH_ARM", SCMP_ARCH_ARM, 2 },
};

static int
arch_family (uint32_t token)
{
  for (size_t i = 0; i < ARRAY_SIZE (arch_families); i++)
    if (arch_families[i].token == token)
      return arch_families[i].family;
  return 0;
}

static int
arch_family_by_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (arch_families); i++)
    if (strcmp (arch_families[i].name, name) == 0)
      return arch_families[i].family;
  return 0;
}

int
seccomp_default_arches (char *const *listed, char ***out, struct casco_error **err)
{
  *out = NULL;
  int family = arch_family (seccomp_arch_native ());
  if (family == 0)
    return casco_error_set (err, 0,
                            "the default seccomp profile covers x86 and arm machines only; add this "
                            "machine's architectures to seccomp/default.json (and seccomp_default.c)");
  size_t n = 0;
  char **keep = xmalloc0 ((strv_len (listed) + 1) * sizeof *keep);
  for (size_t i = 0; listed && listed[i]; i++)
    if (arch_family_by_name (listed[i]) == family)
      keep[n++] = xstrdup (listed[i]);
  if (n == 0)
    {
      strv_free (keep);
      return casco_error_config (err, "architectures",
                                 "lists none of this machine's architectures");
    }
  *out = keep;
  return 0;
}

/* A seccomp profile (linux.seccomp): spec_parse_seccomp, then the compile
   to classic BPF with libseccomp (pure: it only writes to a memfd).
   libseccomp takes milliseconds for a profile the size of the default one,
   so only profiles naming at most MAX_NAMES syscalls are compiled: casco's
   own compile code is the same loop for 10 names or 400, and the default
   profile's compile is checked by tests/unit/test_seccomp_default. */
#include <linux/filter.h>

#include "fuzz.h"
#include "casco/spec.h"
#include "../../libcontainer/seccomp_filter.h"

#define MAX_NAMES 64

static size_t
count_names (const struct spec_seccomp *sc)
{
  size_t n = 0;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    for (size_t k = 0; sc->syscalls[i].names && sc->syscalls[i].names[k]; k++)
      n++;
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  struct spec_seccomp *sc = NULL;
  struct casco_error *err = NULL;
  if (spec_parse_seccomp ((const char *) data, size, &sc, &err) < 0)
    {
      if (sc != NULL || err == NULL)
        abort ();
      fuzz_check_error (&err);
      return 0;
    }
  if (count_names (sc) > MAX_NAMES)
    {
      spec_seccomp_free (sc);
      return 0;
    }
  struct seccomp_program prog;
  if (seccomp_compile (sc, &prog, &err) < 0)
    {
      if (prog.insns != NULL)
        abort ();
      fuzz_check_error (&err);
    }
  else
    {
      if (prog.insns == NULL || prog.len == 0 || prog.len > BPF_MAXINSNS)
        abort ();
      seccomp_program_clear (&prog);
    }
  spec_seccomp_free (sc);
  return 0;
}

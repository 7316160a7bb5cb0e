/* process.json for `casco exec --process`: spec_parse_process. */
#include "fuzz.h"
#include "casco/spec.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  struct spec_process *p = NULL;
  struct casco_error *err = NULL;
  if (spec_parse_process ((const char *) data, size, &p, &err) < 0)
    {
      if (p != NULL || err == NULL)
        abort ();
      fuzz_check_error (&err);
      return 0;
    }
  spec_process_free (p);
  return 0;
}

/* linux.resources for `casco update -r`: spec_parse_resources, then the
   cgroup v2 file writes they turn into (pure). */
#include "fuzz.h"
#include "casco/spec.h"
#include "../../libcontainer/cgroup.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  struct spec_resources r;
  struct casco_error *err = NULL;
  if (spec_parse_resources ((const char *) data, size, &r, &err) < 0)
    {
      fuzz_check_error (&err);
      return 0;
    }
  (void) cgroup_first_limit (&r);
  struct cgroup_write *w = NULL;
  size_t n = 0;
  if (cgroup_resources_writes (&r, &w, &n, &err) < 0)
    fuzz_check_error (&err);
  else
    cgroup_writes_free (w, n);
  spec_resources_clear (&r);
  return 0;
}

/* config.json: spec_parse, then everything create does with a parsed
   config before it touches the host: spec_validate, the secure defaults,
   the cgroup plan (as if the host had cgroup v2), the cgroup file writes
   the resources turn into, and the device filter compiled to BPF. */
#include <linux/bpf.h>

#include "fuzz.h"
#include "casco/spec.h"
#include "util.h"
#include "../../libcontainer/cgroup.h"
#include "../../libcontainer/cgroup_bpf.h"
#include "../../libcontainer/policy_defaults.h"

static void
fuzz_cgroup (const struct spec *s)
{
  struct cgroup_plan plan;
  struct casco_error *err = NULL;
  if (cgroup_plan_decide (s, "fuzz-id", CGROUP_MANAGER_CGROUPFS, true, NULL, &plan, &err) < 0)
    {
      fuzz_check_error (&err);
      return;
    }
  const struct spec_resources *r = s->linux_ ? &s->linux_->resources : NULL;
  if (r)
    {
      struct cgroup_write *w = NULL;
      size_t n = 0;
      if (cgroup_resources_writes (r, &w, &n, &err) < 0)
        fuzz_check_error (&err);
      else
        cgroup_writes_free (w, n);
    }
  struct cgroup_dev_rule *rules = NULL;
  size_t n_rules = 0;
  if (cgroup_dev_rules_build (r ? r->devices : NULL, r ? r->n_devices : 0, plan.devices,
                              plan.n_devices, &rules, &n_rules, &err) < 0)
    fuzz_check_error (&err);
  else
    {
      struct bpf_insn *insns = NULL;
      size_t n_insns = 0;
      if (cgroup_bpf_compile (rules, n_rules, &insns, &n_insns, &err) < 0)
        fuzz_check_error (&err);
      free (insns);
      free (rules);
    }
  cgroup_plan_clear (&plan);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (spec_parse ((const char *) data, size, &s, &err) < 0)
    {
      if (s != NULL || err == NULL)
        abort ();   /* the contract: nothing allocated, an error set */
      fuzz_check_error (&err);
      return 0;
    }
  if (spec_validate (s, &err) < 0)
    fuzz_check_error (&err);
  else
    {
      /* create applies the defaults after validation (exec does too) */
      policy_apply_defaults (s, POLICY_BASELINE, 0);
      policy_default_pids (s, POLICY_BASELINE, 0);
      if (spec_validate (s, &err) < 0)
        abort ();   /* the defaults must never make a valid config invalid */
      fuzz_cgroup (s);
    }
  spec_free (s);
  return 0;
}

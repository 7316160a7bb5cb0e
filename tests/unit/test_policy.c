/* Unit tests for secure defaults (fill only what the config leaves out)
   and for the operator policy: the rule table, policy_check on minimal
   configs, the level's sources. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "casco/util.h"
#include "policy.h"
#include "unit.h"

static struct spec *
parse (const char *json)
{
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (spec_parse (json, strlen (json), &s, &err) < 0)
    {
      printf ("# parse failed: %s\n", err ? err->msg : "?");
      casco_error_free (err);
      return NULL;
    }
  return s;
}

#define MINIMAL "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"

static void
absent_fields_get_secure_values (void)
{
  struct spec *s = parse (MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  policy_apply_defaults (s);
  CHECK (s->process->has_no_new_privileges && s->process->no_new_privileges);
  CHECK (s->process->capabilities != NULL);
  if (s->process->capabilities)
    {
      CHECK (strv_len (s->process->capabilities->bounding) == 3);
      CHECK_STR (s->process->capabilities->effective[0], "CAP_AUDIT_WRITE");
      CHECK (s->process->capabilities->inheritable == NULL);
      CHECK (s->process->capabilities->ambient == NULL);
    }
  CHECK (strv_len (s->linux_->masked_paths) >= 10);
  CHECK (strv_len (s->linux_->readonly_paths) == 5);
  CHECK (!s->linux_->resources.has_pids);
  policy_default_pids (s);
  CHECK (s->linux_->resources.has_pids && s->linux_->resources.pids_limit == POLICY_DEFAULT_PIDS_LIMIT);
  spec_free (s);
}

static void
stated_values_always_win (void)
{
  struct spec *s = parse (MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                                  "\"noNewPrivileges\":false,\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}},"
                                  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"maskedPaths\":[],"
                                  "\"readonlyPaths\":[\"/proc/sys\"],\"resources\":{\"pids\":{\"limit\":7}}}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  policy_apply_defaults (s);
  policy_default_pids (s);
  CHECK (!s->process->no_new_privileges);
  CHECK (strv_len (s->process->capabilities->bounding) == 1);
  CHECK (s->process->capabilities->effective == NULL);
  CHECK (s->linux_->masked_paths != NULL && strv_len (s->linux_->masked_paths) == 0);
  CHECK (strv_len (s->linux_->readonly_paths) == 1);
  CHECK (s->linux_->resources.pids_limit == 7);
  spec_free (s);
}

/* ---- the operator policy ------------------------------------------------------------ */

/* A config that passes strict, with holes to widen it: the uid, more
   process fields, more mounts, the namespaces, more resources, more linux fields. */
struct cfg
{
  const char *uid, *nnp, *process, *mounts, *namespaces, *resources, *linux_, *top;
};

#define HARDENED_NS "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}," \
                    "{\"type\":\"mount\"},{\"type\":\"user\"}"
#define LIMITS "\"memory\":{\"limit\":268435456},\"pids\":{\"limit\":100}"
/* NULL fields keep the hardened values */
static const struct cfg hardened = { 0 };

static struct spec *
build (struct cfg c)
{
  _cleanup_free_ char *json = xasprintf (
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true}%s,"
      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":%s,\"gid\":0},"
      "\"noNewPrivileges\":%s%s},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}%s],"
      "\"linux\":{\"namespaces\":[%s],"
      "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
      "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
      "\"resources\":{%s}%s}}",
      c.top ? c.top : "", c.uid ? c.uid : "0", c.nnp ? c.nnp : "true", c.process ? c.process : "", c.mounts ? c.mounts : "",
      c.namespaces ? c.namespaces : HARDENED_NS, c.resources ? c.resources : LIMITS, c.linux_ ? c.linux_ : "");
  struct spec *s = parse (json);
  if (s == NULL)
    printf ("# config: %s\n", json);
  else
    policy_apply_defaults (s);
  return s;
}

static size_t
count_rule (const struct policy_findings *f, const char *id)
{
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++)
    n += strcmp (f->v[i].rule->id, id) == 0;
  return n;
}

static const struct policy_finding *
find_rule (const struct policy_findings *f, const char *id)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->v[i].rule->id, id) == 0)
      return &f->v[i];
  return NULL;
}

static void
hardened_config_has_no_findings (void)
{
  struct spec *s = build (hardened);
  CHECK (s != NULL);
  if (s == NULL)
    return;
  for (int l = 0; l < POLICY_N_LEVELS; l++)
    {
      struct policy_findings f = { 0 };
      CHECK (policy_check (s, l, NULL, &f) == 0);
      CHECK (f.n == 0);
      for (size_t i = 0; i < f.n; i++)
        printf ("# unexpected %s at %s\n", f.v[i].rule->id, f.v[i].path);
      policy_findings_clear (&f);
    }
  spec_free (s);
}

static void
rule_table_is_complete_and_ordered (void)
{
  size_t n;
  const struct policy_rule *r = policy_rules (&n);
  CHECK (n >= 24);
  for (size_t i = 0; i < n; i++)
    {
      CHECK (strncmp (r[i].id, "CASCO-", 6) == 0);
      CHECK (r[i].title && r[i].risk && r[i].cis && r[i].pss);
      /* one sentence */
      size_t len = strlen (r[i].risk);
      CHECK (len > 20 && r[i].risk[len - 1] == '.' && strchr (r[i].risk, '.') == r[i].risk + len - 1);
      CHECK (r[i].owasp[0] == 'D' && strlen (r[i].owasp) == 3 && strcmp (r[i].owasp, "D01") >= 0
             && strcmp (r[i].owasp, "D10") <= 0);
      CHECK (strncmp (r[i].cis, "5.", 2) == 0);
      CHECK (strcmp (r[i].pss, "baseline") == 0 || strcmp (r[i].pss, "restricted") == 0
             || strcmp (r[i].pss, "-") == 0);
      /* strict refuses everything; each level is at most as strict as the one before */
      CHECK (r[i].action[POLICY_STRICT] == POLICY_REFUSE);
      CHECK (r[i].action[POLICY_BASELINE] <= r[i].action[POLICY_STRICT]);
      CHECK (r[i].action[POLICY_PERMISSIVE] != POLICY_REFUSE);
      /* permissive warns exactly where baseline refuses */
      CHECK ((r[i].action[POLICY_PERMISSIVE] == POLICY_WARN) == (r[i].action[POLICY_BASELINE] == POLICY_REFUSE));
      CHECK (policy_rule_find (r[i].id) == &r[i]);
      for (size_t j = 0; j < i; j++)
        CHECK (strcmp (r[i].id, r[j].id) != 0);
    }
  CHECK (policy_rule_find ("CASCO-NO-SUCH-RULE") == NULL);
}

/* One minimal config per rule: the finding's rule, its exact JSON path, and
   what each level does as the table says. */
struct rule_case
{
  const char *id, *path;
  struct cfg c;
};

#define WITH(...) ((struct cfg){ __VA_ARGS__ })

#define ns_no_pid "{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_ipc "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_net "{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_user "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}"

#define CAPS(name) .process = ",\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_AUDIT_WRITE\",\"" name "\"]," \
                              "\"effective\":[\"" name "\"]}"
#define CAP_CASE(bare) { "CASCO-CAP-" #bare, "process.capabilities.bounding[3]", WITH (CAPS ("CAP_" #bare)) }

static const struct rule_case rule_cases[] = {
  { "CASCO-SECCOMP-UNCONFINED", "linux.seccomp.defaultAction",
    WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}") },
  CAP_CASE (SYS_ADMIN), CAP_CASE (SYS_MODULE), CAP_CASE (SYS_RAWIO), CAP_CASE (SYS_PTRACE),
  CAP_CASE (SYS_BOOT), CAP_CASE (DAC_READ_SEARCH), CAP_CASE (MAC_ADMIN), CAP_CASE (MAC_OVERRIDE),
  CAP_CASE (BPF), CAP_CASE (PERFMON), CAP_CASE (SYS_TIME), CAP_CASE (NET_ADMIN),
  { "CASCO-MASKEDPATHS-EMPTY", "linux.maskedPaths", WITH (.linux_ = ",\"maskedPaths\":[]") },
  { "CASCO-MASKEDPATHS-MISSING", "linux.maskedPaths",
    WITH (.linux_ = ",\"maskedPaths\":[\"/proc/acpi\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
                    "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\"]") },
  { "CASCO-READONLYPATHS-MISSING", "linux.readonlyPaths",
    WITH (.linux_ = ",\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sysrq-trigger\"]") },
  { "CASCO-MOUNT-HOST-PATH", "mounts[1].source",
    WITH (.mounts = ",{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/etc\",\"options\":[\"rbind\"]}") },
  { "CASCO-MOUNT-ENGINE-SOCKET", "mounts[1].source",
    WITH (.mounts = ",{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\",\"source\":\"/var/run/docker.sock\","
                    "\"options\":[\"rbind\",\"ro\"]}") },
  { "CASCO-MOUNT-PROCSYS-ELSEWHERE", "mounts[1].destination",
    WITH (.mounts = ",{\"destination\":\"/mnt\",\"type\":\"proc\",\"source\":\"proc\"}") },
  { "CASCO-MOUNT-SYSFS-RW", "mounts[1].options",
    WITH (.uid = "1000", .namespaces = ns_no_user,
          .mounts = ",{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]}") },
  { "CASCO-DEVICE-HOST", "linux.devices[0]",
    WITH (.linux_ = ",\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]") },
  { "CASCO-NS-HOST-PID", "linux.namespaces", WITH (.namespaces = ns_no_pid) },
  { "CASCO-NS-HOST-IPC", "linux.namespaces", WITH (.namespaces = ns_no_ipc) },
  { "CASCO-NS-HOST-NETWORK", "linux.namespaces", WITH (.namespaces = ns_no_net) },
  { "CASCO-USER-ROOT-NO-USERNS", "process.user.uid", WITH (.namespaces = ns_no_user) },
  { "CASCO-NNP-DISABLED", "process.noNewPrivileges", WITH (.nnp = "false") },
  { "CASCO-LIMITS-MEMORY", "linux.resources.memory.limit", WITH (.resources = "\"memory\":{\"limit\":-1},\"pids\":{\"limit\":100}") },
  { "CASCO-LIMITS-PIDS", "linux.resources.pids.limit", WITH (.resources = "\"memory\":{\"limit\":268435456},\"pids\":{\"limit\":0}") },
};

static void
every_rule_fires_on_its_minimal_config (void)
{
  size_t n_rules;
  const struct policy_rule *all = policy_rules (&n_rules);
  /* every rule in the table has a case here */
  for (size_t r = 0; r < n_rules; r++)
    {
      bool covered = false;
      for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++)
        covered |= strcmp (rule_cases[i].id, all[r].id) == 0;
      if (!covered)
        printf ("# no case for %s\n", all[r].id);
      CHECK (covered);
    }
  for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++)
    {
      const struct rule_case *rc = &rule_cases[i];
      struct spec *s = build (rc->c);
      CHECK (s != NULL);
      if (s == NULL)
        continue;
      const struct policy_rule *rule = policy_rule_find (rc->id);
      for (int l = 0; l < POLICY_N_LEVELS; l++)
        {
          struct policy_findings f = { 0 };
          size_t refused = policy_check (s, l, NULL, &f);
          const struct policy_finding *x = find_rule (&f, rc->id);
          if (x == NULL || f.n != 1)
            printf ("# %s at %s: %zu findings\n", rc->id, policy_level_name (l), f.n);
          CHECK (x != NULL && f.n == 1);
          if (x)
            {
              CHECK_STR (x->path, rc->path);
              CHECK (x->action == rule->action[l]);
              CHECK (refused == (rule->action[l] == POLICY_REFUSE));
            }
          policy_findings_clear (&f);
        }
      spec_free (s);
    }
}

/* Findings for one config at strict. */
static size_t
strict_findings (struct cfg c, const struct policy_options *o, struct policy_findings *f)
{
  struct spec *s = build (c);
  CHECK (s != NULL);
  if (s == NULL)
    return 0;
  size_t refused = policy_check (s, POLICY_STRICT, o, f);
  spec_free (s);
  return refused;
}

static void
seccomp_unconfined_means_nothing_denied (void)
{
  struct policy_findings f = { 0 };
  /* absent: casco's default profile applies */
  CHECK (strict_findings (hardened, NULL, &f) == 0);
  /* ALLOW with one ERRNO rule is a (weak) filter */
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                                   "[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  /* ALLOW with only LOG and ALLOW rules denies nothing */
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":"
                                   "[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"), NULL, &f);
  CHECK (count_rule (&f, "CASCO-SECCOMP-UNCONFINED") == 1);
  policy_findings_clear (&f);
  /* default ERRNO is a filter */
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}"), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
}

static void
capabilities_are_found_by_any_spelling_with_exact_index (void)
{
  struct policy_findings f = { 0 };
  strict_findings (WITH (.process = ",\"capabilities\":{\"permitted\":[\"CAP_KILL\",\"cap_sys_admin\"],"
                                    "\"ambient\":[\"CAP_BPF\"]}"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-CAP-SYS_ADMIN");
  CHECK (x && strcmp (x->path, "process.capabilities.permitted[1]") == 0);
  x = find_rule (&f, "CASCO-CAP-BPF");
  CHECK (x && strcmp (x->path, "process.capabilities.ambient[0]") == 0);
  CHECK (f.n == 2);
  policy_findings_clear (&f);
  /* once per capability, however many sets name it */
  strict_findings (WITH (CAPS ("CAP_SYS_MODULE")), NULL, &f);
  CHECK (count_rule (&f, "CASCO-CAP-SYS_MODULE") == 1);
  policy_findings_clear (&f);
}

static void
bind_mounts_are_judged_by_where_they_lead (void)
{
  struct policy_findings f = { 0 };
  /* read-only system dirs and relative (bundle) sources are fine */
  strict_findings (WITH (.mounts = ",{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/etc\",\"options\":[\"rbind\",\"ro\"]}"
                                   ",{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"bind\"]}"
                                   ",{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"/etc\"}"), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  /* below a system dir, through .. and //, and "ro" overridden by a later "rw" */
  strict_findings (WITH (.mounts = ",{\"destination\":\"/e\",\"source\":\"/srv/../etc//shadow\",\"options\":[\"bind\",\"ro\",\"rw\"]}"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-MOUNT-HOST-PATH");
  CHECK (x && strcmp (x->path, "mounts[1].source") == 0);
  policy_findings_clear (&f);
  /* an engine socket by its name anywhere, or a directory holding one; read-only does not help */
  strict_findings (WITH (.mounts = ",{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/run/user/1000/podman/podman.sock\",\"options\":[\"ro\"]}"
                                   ",{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/var/run/containerd\",\"options\":[\"ro\"]}"
                                   ",{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\",\"ro\"]}"), NULL, &f);
  CHECK (count_rule (&f, "CASCO-MOUNT-ENGINE-SOCKET") == 3);
  CHECK (count_rule (&f, "CASCO-MOUNT-HOST-PATH") == 0);
  policy_findings_clear (&f);
  /* a harmless-looking source that resolves to /etc on this host */
  const char *const resolved[] = { "", "/etc" };
  struct policy_options o = { .mount_sources = resolved, .n_mount_sources = 2 };
  strict_findings (WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/srv/link\",\"options\":[\"rbind\"]}"), &o, &f);
  CHECK (count_rule (&f, "CASCO-MOUNT-HOST-PATH") == 1);
  policy_findings_clear (&f);
}

static void
device_rules_that_reach_disks_or_memory (void)
{
  struct policy_findings f = { 0 };
  /* docker's defaults: deny all, mknod anything, the usual character devices */
  strict_findings (WITH (.resources = LIMITS ",\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                                      "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},{\"allow\":true,\"type\":\"b\",\"access\":\"m\"},"
                                      "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
                                      "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]",
                         .linux_ = ",\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}]"), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  strict_findings (WITH (.resources = LIMITS ",\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]",
                         .linux_ = ",\"devices\":[{\"path\":\"/dev/mem\",\"type\":\"c\",\"major\":1,\"minor\":1}]"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-DEVICE-HOST");
  CHECK (x && strcmp (x->path, "linux.devices[0]") == 0);
  CHECK (count_rule (&f, "CASCO-DEVICE-HOST") == 2);
  CHECK (f.n == 2 && strcmp (f.v[1].path, "linux.resources.devices[0]") == 0);
  policy_findings_clear (&f);
  /* c 1:* rw reaches /dev/mem; a later deny of everything undoes an allow */
  strict_findings (WITH (.resources = LIMITS ",\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"access\":\"rw\"},"
                                      "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"},{\"allow\":false,\"type\":\"b\"}]"), NULL, &f);
  CHECK (count_rule (&f, "CASCO-DEVICE-HOST") == 1 && f.n == 1
         && strcmp (f.v[0].path, "linux.resources.devices[0]") == 0);
  policy_findings_clear (&f);
}

static void
namespaces_joined_are_host_only_when_they_are (void)
{
  struct policy_findings f = { 0 };
  const char *ns = "{\"type\":\"pid\",\"path\":\"/proc/42/ns/pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
                   "{\"type\":\"mount\"},{\"type\":\"user\"}";
  /* a pod sandbox's namespace */
  strict_findings (WITH (.namespaces = ns), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  struct policy_options o = { .ns_is_host = { [SPEC_NS_PID] = true } };
  strict_findings (WITH (.namespaces = ns), &o, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-NS-HOST-PID");
  CHECK (x && strcmp (x->path, "linux.namespaces[0].path") == 0);
  policy_findings_clear (&f);
}

static void
root_needs_a_user_namespace_that_maps_it_elsewhere (void)
{
  struct policy_findings f = { 0 };
  /* not root: no user namespace needed */
  strict_findings (WITH (.uid = "1000", .namespaces = ns_no_user), NULL, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  /* a user namespace mapping 0 to the host's 0 does not count */
  struct spec *s = build (hardened);
  if (s)
    {
      s->linux_->uid_mappings[0].host_id = 0;
      policy_check (s, POLICY_STRICT, NULL, &f);
      CHECK (count_rule (&f, "CASCO-USER-ROOT-NO-USERNS") == 1);
      spec_free (s);
    }
  policy_findings_clear (&f);
}

static void
exec_checks_only_the_process (void)
{
  struct policy_findings f = { 0 };
  struct policy_options o = { .exec = true };
  strict_findings (WITH (.namespaces = ns_no_user, .linux_ = ",\"maskedPaths\":[]", CAPS ("CAP_SYS_ADMIN")), &o, &f);
  CHECK (f.n == 2);
  CHECK (count_rule (&f, "CASCO-CAP-SYS_ADMIN") == 1);
  CHECK (count_rule (&f, "CASCO-USER-ROOT-NO-USERNS") == 1);
  policy_findings_clear (&f);
}

/* exec_judged (container, exec'd) — findings at strict for an exec'd process
   (exec's config) in a container created with another (created's). */
static size_t
exec_judged (struct cfg created, struct cfg exec, struct policy_findings *f)
{
  struct spec *c = build (created), *e = build (exec);
  CHECK (c != NULL && e != NULL);
  size_t refused = 0;
  if (c && e)
    {
      struct policy_findings judged = { 0 };
      struct policy_options o = { .exec = true };
      policy_check (c, POLICY_STRICT, &o, &judged);
      o.judged = &judged;
      refused = policy_check (e, POLICY_STRICT, &o, f);
      policy_findings_clear (&judged);
    }
  spec_free (c);
  spec_free (e);
  return refused;
}

static void
exec_is_judged_on_what_its_process_adds (void)
{
  struct policy_findings f = { 0 };
  /* the same root process without a user namespace: judged at create, not again */
  CHECK (exec_judged (WITH (.namespaces = ns_no_user), WITH (.namespaces = ns_no_user), &f) == 0);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  /* root exec'd into a container whose process is uid 1000: new, refused */
  CHECK (exec_judged (WITH (.uid = "1000", .namespaces = ns_no_user), WITH (.namespaces = ns_no_user), &f) == 1);
  CHECK (f.n == 1 && count_rule (&f, "CASCO-USER-ROOT-NO-USERNS") == 1);
  policy_findings_clear (&f);
  /* a capability the container's process lacks is found, one it has is not */
  CHECK (exec_judged (WITH (CAPS ("CAP_NET_ADMIN")),
                      WITH (.process = ",\"capabilities\":{\"bounding\":[\"CAP_NET_ADMIN\",\"CAP_SYS_ADMIN\"]}"),
                      &f) == 1);
  CHECK (f.n == 1 && count_rule (&f, "CASCO-CAP-SYS_ADMIN") == 1);
  const struct policy_finding *x = find_rule (&f, "CASCO-CAP-SYS_ADMIN");
  CHECK (x && strcmp (x->path, "process.capabilities.bounding[1]") == 0);
  policy_findings_clear (&f);
  /* no_new_privs turned off for exec only */
  CHECK (exec_judged (hardened, WITH (.nnp = "false"), &f) == 1);
  CHECK (f.n == 1 && count_rule (&f, "CASCO-NNP-DISABLED") == 1);
  policy_findings_clear (&f);
  /* container-wide findings stay create's business either way */
  CHECK (exec_judged (WITH (.resources = "", .linux_ = ",\"maskedPaths\":[]"),
                      WITH (.resources = "", .linux_ = ",\"maskedPaths\":[]"), &f) == 0);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
}

static void
limits_without_a_cgroup_are_not_limits (void)
{
  struct policy_findings f = { 0 };
  struct policy_options o = { .no_cgroup = true };
  strict_findings (hardened, &o, &f);
  CHECK (f.n == 2);
  CHECK (count_rule (&f, "CASCO-LIMITS-MEMORY") == 1 && count_rule (&f, "CASCO-LIMITS-PIDS") == 1);
  policy_findings_clear (&f);
}

static void
annotations_cannot_choose_the_level (void)
{
  struct policy_findings f = { 0 };
  size_t refused = strict_findings (WITH (.namespaces = ns_no_pid,
                                          .top = ",\"annotations\":{\"io.casco.policy\":\"permissive\","
                                                 "\"io.casco.policy.level\":\"permissive\",\"casco.policy\":\"permissive\"}"),
                                    NULL, &f);
  CHECK (refused == 1);
  policy_findings_clear (&f);
}

static void
levels_by_name (void)
{
  CHECK (policy_level_from_name ("strict") == POLICY_STRICT);
  CHECK (policy_level_from_name ("baseline") == POLICY_BASELINE);
  CHECK (policy_level_from_name ("permissive") == POLICY_PERMISSIVE);
  CHECK (policy_level_from_name ("Strict") == -1);
  CHECK (policy_level_from_name ("") == -1);
  CHECK (policy_level_from_name (NULL) == -1);
  const struct policy_rule *r = policy_rule_find ("CASCO-NS-HOST-NETWORK");
  CHECK_STR (policy_allowing_level (r, POLICY_STRICT), "baseline");
  CHECK_STR (policy_allowing_level (policy_rule_find ("CASCO-CAP-SYS_ADMIN"), POLICY_STRICT), "permissive");
}

static void
policy_conf_format (void)
{
  enum policy_level l = POLICY_STRICT;
  bool found;
  struct casco_error *err = NULL;
  CHECK (policy_conf_parse ("# casco\n\n  level = baseline  # for containerd\n", "f", &l, &found, &err) == 0);
  CHECK (found && l == POLICY_BASELINE);
  CHECK (policy_conf_parse ("# nothing\n", "f", &l, &found, &err) == 0 && !found);
  CHECK (policy_conf_parse ("\nlevel = lax\n", "/etc/casco/policy.conf", &l, &found, &err) < 0);
  CHECK (err && strstr (err->msg, "/etc/casco/policy.conf:2:") && strstr (err->msg, "\"lax\""));
  casco_error_free (err);
  err = NULL;
  CHECK (policy_conf_parse ("mode = strict\n", "f", &l, &found, &err) < 0);
  CHECK (err && strstr (err->msg, "f:1: unknown key \"mode\""));
  casco_error_free (err);
  err = NULL;
  CHECK (policy_conf_parse ("strict\n", "f", &l, &found, &err) < 0);
  casco_error_free (err);
}

static void
level_sources_in_order (void)
{
  char conf[] = "/tmp/casco-policy-test.XXXXXX";
  int fd = mkstemp (conf);
  CHECK (fd >= 0);
  if (fd < 0)
    return;
  CHECK (write (fd, "level = baseline\n", 17) == 17);
  close (fd);
  enum policy_level l;
  const char *src;
  struct casco_error *err = NULL;
  setenv ("CASCO_POLICY_CONF", conf, 1);
  setenv ("CASCO_POLICY", "permissive", 1);
  CHECK (policy_level_resolve ("strict", &l, &src, &err) == 0 && l == POLICY_STRICT);
  CHECK (policy_level_resolve (NULL, &l, &src, &err) == 0 && l == POLICY_PERMISSIVE);
  unsetenv ("CASCO_POLICY");
  CHECK (policy_level_resolve (NULL, &l, &src, &err) == 0 && l == POLICY_BASELINE);
  CHECK_STR (src, conf);
  setenv ("CASCO_POLICY_CONF", "/nonexistent/policy.conf", 1);
  CHECK (policy_level_resolve (NULL, &l, &src, &err) == 0 && l == POLICY_STRICT);
  CHECK_STR (src, "default");
  CHECK (policy_level_resolve ("lenient", &l, &src, &err) < 0);
  CHECK (err && strstr (err->msg, "--policy: invalid level \"lenient\""));
  casco_error_free (err);
  unsetenv ("CASCO_POLICY_CONF");
  unlink (conf);
}

static void
defaults_notes_match_what_is_absent (void)
{
  struct spec *s = parse (MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  char **notes = policy_defaults_notes (s);
  CHECK (strv_len (notes) == 6);
  CHECK_CONTAINS (notes[0], "process.noNewPrivileges");
  strv_free (notes);
  policy_apply_defaults (s);
  notes = policy_defaults_notes (s);
  /* what remains: the seccomp profile and the pids limit, applied elsewhere */
  CHECK (strv_len (notes) == 2);
  strv_free (notes);
  spec_free (s);
}

#define ESSENTIAL_MASKED "\"/proc/acpi\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\"," \
                         "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\""

static size_t
masked_findings (const char *linux_, const char *id)
{
  struct policy_findings f = { 0 };
  strict_findings (WITH (.linux_ = linux_), NULL, &f);
  size_t n = count_rule (&f, id);
  for (size_t i = 0; i < f.n; i++)
    if (f.v[i].fix == NULL)
      printf ("# %s without a fix\n", f.v[i].rule->id);
  policy_findings_clear (&f);
  return n;
}

static void
masked_and_readonly_paths_are_judged_as_applied (void)
{
  const char *M = "CASCO-MASKEDPATHS-MISSING", *RO = "CASCO-READONLYPATHS-MISSING";
  /* respellings of /sys/firmware count as present */
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys//firmware\"]", M) == 0);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/../sys/firmware/\"]", M) == 0);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/./firmware\"]", M) == 0);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"sys/firmware\"]", M) == 0);
  /* an ancestor covers it; a sibling, a child, a prefix or "" do not */
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys\"]", M) == 0);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/firmware/acpi\"]", M) == 1);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/firm\"]", M) == 1);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"\"]", M) == 1);
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/firmware/..\"]", M) == 0);  /* /sys */
  CHECK (masked_findings (",\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/proc/../firmware\"]", M) == 1);
  /* one finding per missing path, each named */
  CHECK (masked_findings (",\"maskedPaths\":[\"/proc/asound\"]", M) == 9);
  CHECK (masked_findings (",\"readonlyPaths\":[]", RO) == 5);
  /* a masked path is read-only too; a readonly ancestor covers */
  CHECK (masked_findings (",\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sysrq-trigger\"],"
                          "\"maskedPaths\":[" ESSENTIAL_MASKED ",\"/sys/firmware\",\"/proc/sys\"]", RO) == 0);
  CHECK (masked_findings (",\"readonlyPaths\":[\"/proc/\"]", RO) == 0);
  CHECK (masked_findings (",\"readonlyPaths\":[\"/proc/sys/kernel\",\"/proc/bus\",\"/proc/fs\",\"/proc/irq\","
                          "\"/proc/sysrq-trigger\"]", RO) == 1);
  /* the finding names the path and the fix adds it */
  struct policy_findings f = { 0 };
  strict_findings (WITH (.linux_ = ",\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys/\"]"),
                   NULL, &f);
  const struct policy_finding *x = find_rule (&f, RO);
  CHECK (x && count_rule (&f, RO) == 1);
  if (x)
    {
      CHECK_STR (x->value, "/proc/sysrq-trigger");
      CHECK_STR (x->fix, "add \"/proc/sysrq-trigger\" to linux.readonlyPaths");
    }
  policy_findings_clear (&f);
}

static size_t
mount_findings (struct cfg c, const char *id, const char *path)
{
  struct policy_findings f = { 0 };
  strict_findings (c, NULL, &f);
  size_t n = count_rule (&f, id);
  const struct policy_finding *x = find_rule (&f, id);
  if (x && path && strcmp (x->path, path) != 0)
    {
      printf ("# %s at %s, not %s\n", id, x->path, path);
      n = 99;
    }
  policy_findings_clear (&f);
  return n;
}

#define SYSFS(opts) ",{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[" opts "]}"

static void
proc_and_sysfs_only_where_masked_and_sysfs_read_only (void)
{
  const char *E = "CASCO-MOUNT-PROCSYS-ELSEWHERE", *RW = "CASCO-MOUNT-SYSFS-RW";
  /* /proc however spelled is fine; anywhere else is not */
  CHECK (mount_findings (WITH (.mounts = ",{\"destination\":\"/proc/\",\"type\":\"proc\"}"), E, NULL) == 0);
  CHECK (mount_findings (WITH (.mounts = ",{\"destination\":\"/proc/../mnt\",\"type\":\"proc\"}"), E,
                         "mounts[1].destination") == 1);
  CHECK (mount_findings (WITH (.mounts = ",{\"destination\":\"/proc/sys/..\",\"type\":\"proc\"}"), E, NULL) == 0);
  CHECK (mount_findings (WITH (.mounts = ",{\"destination\":\"/sys/fs\",\"type\":\"sysfs\",\"options\":[\"ro\"]}"),
                         E, "mounts[1].destination") == 1);
  /* a bind is judged by its source (CASCO-MOUNT-HOST-PATH), a remount by what it changes */
  CHECK (mount_findings (WITH (.mounts = ",{\"destination\":\"/mnt\",\"type\":\"proc\",\"options\":[\"remount\"]}"),
                         E, NULL) == 0);
  /* sysfs: "ro" or neither (casco adds "ro") is fine anywhere */
  struct cfg host_net = { .namespaces = ns_no_net };
  host_net.mounts = SYSFS ("\"ro\"");
  CHECK (mount_findings (host_net, RW, NULL) == 0);
  host_net.mounts = SYSFS ("\"nosuid\"");
  CHECK (mount_findings (host_net, RW, NULL) == 0);
  /* "rw" (even before "ro"), "rrw", or a later remount: refused without private net and user ns */
  host_net.mounts = SYSFS ("\"rw\"");
  CHECK (mount_findings (host_net, RW, "mounts[1].options") == 1);
  host_net.mounts = SYSFS ("\"ro\",\"rrw\"");
  CHECK (mount_findings (host_net, RW, "mounts[1].options") == 1);
  host_net.mounts = SYSFS ("\"ro\"") ",{\"destination\":\"/sys/kernel/\",\"options\":[\"remount\",\"rw\"]}";
  CHECK (mount_findings (host_net, RW, "mounts[2].options") == 1);
  host_net.mounts = SYSFS ("\"ro\"") ",{\"destination\":\"/tmp\",\"options\":[\"remount\",\"rrw\"]}";
  CHECK (mount_findings (host_net, RW, "mounts[2].options") == 1);
  host_net.mounts = SYSFS ("\"ro\"") ",{\"destination\":\"/tmp\",\"options\":[\"remount\",\"rw\"]}";
  CHECK (mount_findings (host_net, RW, NULL) == 0);
  /* private net and user ns not mapping host root: allowed */
  CHECK (mount_findings (WITH (.mounts = SYSFS ("\"rw\"")), RW, NULL) == 0);
  /* ... but not when the user ns maps host root anywhere, or is joined, or absent */
  struct spec *s = build (WITH (.mounts = SYSFS ("\"rw\"")));
  if (s)
    {
      /* container uid 1000 is host root: still host root's sysfs knobs */
      s->linux_->uid_mappings[0].container_id = 1000;
      s->linux_->uid_mappings[0].host_id = 0;
      struct policy_findings f = { 0 };
      policy_check (s, POLICY_STRICT, NULL, &f);
      CHECK (count_rule (&f, RW) == 1);
      policy_findings_clear (&f);
      spec_free (s);
    }
  CHECK (mount_findings (WITH (.mounts = SYSFS ("\"rw\""), .uid = "1000",
                               .namespaces = "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
                                             "{\"type\":\"uts\"},{\"type\":\"mount\"},"
                                             "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}"),
                         RW, NULL) == 1);
  CHECK (mount_findings (WITH (.mounts = SYSFS ("\"rw\""), .uid = "1000", .namespaces = ns_no_user), RW, NULL) == 1);
}

int
main (void)
{
  RUN (absent_fields_get_secure_values);
  RUN (stated_values_always_win);
  RUN (hardened_config_has_no_findings);
  RUN (rule_table_is_complete_and_ordered);
  RUN (every_rule_fires_on_its_minimal_config);
  RUN (seccomp_unconfined_means_nothing_denied);
  RUN (capabilities_are_found_by_any_spelling_with_exact_index);
  RUN (bind_mounts_are_judged_by_where_they_lead);
  RUN (device_rules_that_reach_disks_or_memory);
  RUN (masked_and_readonly_paths_are_judged_as_applied);
  RUN (proc_and_sysfs_only_where_masked_and_sysfs_read_only);
  RUN (namespaces_joined_are_host_only_when_they_are);
  RUN (root_needs_a_user_namespace_that_maps_it_elsewhere);
  RUN (exec_checks_only_the_process);
  RUN (exec_is_judged_on_what_its_process_adds);
  RUN (limits_without_a_cgroup_are_not_limits);
  RUN (annotations_cannot_choose_the_level);
  RUN (levels_by_name);
  RUN (policy_conf_format);
  RUN (level_sources_in_order);
  RUN (defaults_notes_match_what_is_absent);
  return UNIT_DONE ();
}

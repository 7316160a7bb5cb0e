/* Unit tests for secure defaults (fill only what the config leaves out)
   and for the operator policy: the rule table, policy_check on minimal
   configs, the level's sources. */
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "util.h"
#include <fcntl.h>
#include <linux/audit.h>
#include <stddef.h>

#include "caps.h"
#include "hostobj.h"
#include "policy_defaults.h"
#include "seccomp_filter.h"
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
  policy_apply_defaults (s, POLICY_STRICT, 0);
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
  policy_default_pids (s, POLICY_STRICT, 0);
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
  policy_apply_defaults (s, POLICY_STRICT, 0);
  policy_default_pids (s, POLICY_STRICT, 0);
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
  const char *uid, *nnp, *process, *mounts, *namespaces, *resources, *linux_, *top, *readonly;
  const char *mappings;   /* both id mapping keys, with their leading comma */
};

#define HARDENED_NS "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}," \
                    "{\"type\":\"mount\"},{\"type\":\"user\"}"
#define HARDENED_MAPS ",\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]," \
                      "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"
#define LIMITS "\"memory\":{\"limit\":268435456},\"pids\":{\"limit\":100}"
/* NULL fields keep the hardened values */
static const struct cfg hardened = { 0 };

static struct spec *
build (struct cfg c)
{
  _cleanup_free_ char *json = xasprintf (
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":%s}%s,"
      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":%s,\"gid\":0},"
      "\"noNewPrivileges\":%s%s},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}%s],"
      "\"linux\":{\"namespaces\":[%s]%s,"
      "\"resources\":{%s}%s}}",
      c.readonly ? c.readonly : "true", c.top ? c.top : "", c.uid ? c.uid : "0", c.nnp ? c.nnp : "true", c.process ? c.process : "", c.mounts ? c.mounts : "",
      c.namespaces ? c.namespaces : HARDENED_NS, c.mappings ? c.mappings : HARDENED_MAPS, c.resources ? c.resources : LIMITS, c.linux_ ? c.linux_ : "");
  struct spec *s = parse (json);
  if (s == NULL)
    printf ("# config: %s\n", json);
  else
    policy_apply_defaults (s, POLICY_STRICT, 0);
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
      CHECK (strncmp (r[i].cis, "5.", 2) == 0 || strcmp (r[i].cis, "-") == 0);
      CHECK (strcmp (r[i].pss, "baseline") == 0 || strcmp (r[i].pss, "restricted") == 0
             || strcmp (r[i].pss, "-") == 0);
      /* strict refuses everything but what every level only says; each
         level is at most as strict as the one before */
      bool said_everywhere = r[i].action[POLICY_STRICT] == POLICY_WARN && r[i].action[POLICY_BASELINE] == POLICY_WARN
                             && r[i].action[POLICY_PERMISSIVE] == POLICY_WARN;
      CHECK (r[i].action[POLICY_STRICT] == POLICY_REFUSE || said_everywhere);
      CHECK (r[i].action[POLICY_BASELINE] <= r[i].action[POLICY_STRICT]);
      CHECK (r[i].action[POLICY_PERMISSIVE] <= r[i].action[POLICY_BASELINE]);
      /* permissive warns where baseline refuses, and says nothing where
         baseline does not */
      if (r[i].action[POLICY_BASELINE] == POLICY_REFUSE)
        CHECK (r[i].action[POLICY_PERMISSIVE] == POLICY_WARN);
      if (r[i].action[POLICY_BASELINE] == POLICY_OK)
        CHECK (r[i].action[POLICY_PERMISSIVE] == POLICY_OK);
      CHECK (policy_rule_find (r[i].id) == &r[i]);
      for (size_t j = 0; j < i; j++)
        CHECK (strcmp (r[i].id, r[j].id) != 0);
    }
  CHECK (policy_rule_find ("CASCO-NO-SUCH-RULE") == NULL);
}

/* One minimal config per rule: the finding's rule, its exact JSON path, and
   what each level does as the table says. */
/* One judged bind source at mounts[1] (index 0 is the fixture's own mount). */
static void
judged_source (struct host_objects *objs, struct host_object *v, struct host_object *none,
               const struct host_reach *reach)
{
  memset (v, 0, 2 * sizeof *v);
  memset (none, 0, 2 * sizeof *none);
  v[0].fd = none[0].fd = none[1].fd = -1;
  v[1].fd = 99;   /* never used: the rules read only the facts */
  v[1].path = (char *) "/host/thing";
  v[1].reach = *reach;
  *objs = (struct host_objects){ .v = v, .upper = none, .work = none, .n = 2 };
}

struct rule_case
{
  const char *id, *path;
  struct cfg c;
  struct host_reach reach;   /* what the bind source at mounts[1] was judged to reach, if any */
};

#define WITH(...) ((struct cfg){ __VA_ARGS__ })
/* The cases' host: 1 GiB and 2 CPUs, which no limit of theirs exceeds but one. */
#define CASE_HOST .host_mem_total = 1 << 30, .host_cpus = 2, .host_cpus_online = "0-1"

#define ns_no_pid "{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_ipc "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_net "{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"user\"}"
#define ns_no_user "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}"

#define CAPS(name) .process = ",\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_AUDIT_WRITE\",\"" name "\"]," \
                              "\"effective\":[\"" name "\"]}"
#define CAP_CASE(bare) { "CASCO-CAP-" #bare, "process.capabilities.bounding[3]", WITH (CAPS ("CAP_" #bare)) }

/* most cases judge no bind source: their reach is left out */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct rule_case rule_cases[] = {
  { "CASCO-SECCOMP-WEAKER", "linux.seccomp.syscalls",
    WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"unshare\"],"
                    "\"action\":\"SCMP_ACT_ALLOW\"}]}") },
  { "CASCO-SECCOMP-UNCONFINED", "linux.seccomp.defaultAction",
    WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}") },
  CAP_CASE (SYS_ADMIN), CAP_CASE (SYS_MODULE), CAP_CASE (SYS_RAWIO),
  /* the host's user namespace (and uid 1000, so that only this rule fires) */
  { "CASCO-CAP-SYS_PTRACE", "process.capabilities.bounding[3]",
    WITH (CAPS ("CAP_SYS_PTRACE"), .namespaces = ns_no_user, .uid = "1000") },
  CAP_CASE (SYS_BOOT), CAP_CASE (DAC_READ_SEARCH), CAP_CASE (MAC_ADMIN), CAP_CASE (MAC_OVERRIDE),
  CAP_CASE (BPF), CAP_CASE (PERFMON), CAP_CASE (SYS_TIME), CAP_CASE (NET_ADMIN),
  { "CASCO-MASKEDPATHS-EMPTY", "linux.maskedPaths", WITH (.linux_ = ",\"maskedPaths\":[]") },
  { "CASCO-MASKEDPATHS-MISSING", "linux.maskedPaths",
    WITH (.linux_ = ",\"maskedPaths\":[\"/proc/acpi\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
                    "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\"]") },
  { "CASCO-READONLYPATHS-MISSING", "linux.readonlyPaths",
    WITH (.linux_ = ",\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sysrq-trigger\"]") },
  { "CASCO-MOUNT-HOST-PATH", "mounts[1].source",
    WITH (.mounts = ",{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/etc\",\"options\":[\"rbind\"]}"),
    { .system_tree = (char *) "is the host's /etc" } },
  { "CASCO-MOUNT-ENGINE-SOCKET", "mounts[1].source",
    WITH (.mounts = ",{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\",\"source\":\"/var/run/docker.sock\","
                    "\"options\":[\"rbind\",\"ro\"]}"),
    { .engine_socket = (char *) "is the host's /run/docker.sock" } },
  { "CASCO-MOUNT-HOST-PROC", "mounts[1].source",
    WITH (.mounts = ",{\"destination\":\"/hostproc\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[\"rbind\",\"ro\"]}"),
    { .host_proc = (char *) "on the host's procfs" } },
  { "CASCO-MOUNT-FSTYPE", "mounts[1].type",
    WITH (.mounts = ",{\"destination\":\"/mnt\",\"type\":\"ext4\",\"source\":\"/dev/vda\"}") },
  { "CASCO-MOUNT-CGROUP-WRITABLE", "mounts[1].options",
    WITH (.mounts = ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\"}") },
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
  { "CASCO-NS-MOUNT-JOINED", "linux.namespaces[4].path",
    WITH (.namespaces = "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
                        "{\"type\":\"mount\",\"path\":\"/run/netns-sandbox/mnt\"},{\"type\":\"user\"}") },
  { "CASCO-USER-ROOT-NO-USERNS", "process.user.uid", WITH (.namespaces = ns_no_user) },
  { "CASCO-NNP-DISABLED", "process.noNewPrivileges", WITH (.nnp = "false") },
  { "CASCO-LIMITS-MEMORY", "linux.resources.memory.limit", WITH (.resources = "\"memory\":{\"limit\":-1},\"pids\":{\"limit\":100}") },
  { "CASCO-LIMITS-PIDS", "linux.resources.pids.limit", WITH (.resources = "\"memory\":{\"limit\":268435456},\"pids\":{\"limit\":0}") },
  /* the hardened config's own user namespace, mapped away from host root */
  { "CASCO-CAP-SYS_PTRACE-USERNS", "process.capabilities.bounding[3]", WITH (CAPS ("CAP_SYS_PTRACE")) },
  { "CASCO-USERNS-MAPS-HOST-ROOT", "linux.gidMappings[1]",
    WITH (.mappings = ",\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                      "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536},"
                      "{\"containerID\":70000,\"hostID\":0,\"size\":1}]") },
  { "CASCO-HOOKS", "hooks.poststop[0].path",
    WITH (.top = ",\"hooks\":{\"poststop\":[{\"path\":\"/usr/bin/true\"}]}") },
  { "CASCO-CONFIG-UNKNOWN-KEY", "process.noNewPrivilege", WITH (.process = ",\"noNewPrivilege\":true") },
  { "CASCO-ROOT-WRITABLE", "root.readonly", WITH (.readonly = "false") },
  /* the hardened config's private user and network namespaces */
  { "CASCO-MOUNT-SYSFS-WRITABLE", "mounts[1].options",
    WITH (.mounts = ",{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]}") },
  /* above the 1 GiB of CASE_HOST */
  { "CASCO-LIMITS-ABOVE-HOST", "linux.resources.memory.limit",
    WITH (.resources = "\"memory\":{\"limit\":2147483648},\"pids\":{\"limit\":100}") },
};
#pragma GCC diagnostic pop

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
      struct host_object v[2], none[2];
      struct host_objects objs;
      struct policy_options o = { .sources = &objs, CASE_HOST };
      judged_source (&objs, v, none, &rc->reach);
      for (int l = 0; l < POLICY_N_LEVELS; l++)
        {
          struct policy_findings f = { 0 };
          size_t refused = policy_check (s, l, &o, &f);
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

/* ---- property: equivalent configs get the same verdict ---- */

static unsigned long prop_seed = 12345;

static unsigned
prop_rnd (unsigned n)
{
  prop_seed = prop_seed * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned) (prop_seed >> 33) % (n ? n : 1);
}

static void
strv_shuffle (char **v)
{
  size_t n = strv_len (v);
  for (size_t i = n; i > 1; i--)
    {
      size_t j = prop_rnd ((unsigned) i);
      char *t = v[i - 1];
      v[i - 1] = v[j];
      v[j] = t;
    }
}

/* "/proc/kcore" -> "//proc/./kcore/" and the like: the same path. */
static char *
respell_path (const char *p)
{
  switch (prop_rnd (4))
    {
    case 0: return xasprintf ("/%s", p);
    case 1: return xasprintf ("%s/", p);
    case 2: return xasprintf ("/.%s", p);
    default: return xasprintf ("%s/.", p);
    }
}

static void
respell_all (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    if (v[i][0] == '/')
      {
        char *r = respell_path (v[i]);
        free (v[i]);
        v[i] = r;
      }
}

/* One equivalent of s, changed in place: namespaces and mappings
   reordered, capability sets reordered with an entry said twice, masked
   and read-only paths respelled, a mount's options with a word said twice
   and an "rw" put before a final "ro", and its destination respelled. */
static void
equivalent_config (struct spec *s)
{
  struct spec_linux *l = s->linux_;
  if (l)
    {
      for (size_t i = l->n_namespaces; i > 1; i--)
        {
          size_t j = prop_rnd ((unsigned) i);
          struct spec_namespace t = l->namespaces[i - 1];
          l->namespaces[i - 1] = l->namespaces[j];
          l->namespaces[j] = t;
        }
      for (size_t i = l->n_uid_mappings; i > 1; i--)
        {
          size_t j = prop_rnd ((unsigned) i);
          struct spec_id_mapping t = l->uid_mappings[i - 1];
          l->uid_mappings[i - 1] = l->uid_mappings[j];
          l->uid_mappings[j] = t;
        }
      respell_all (l->masked_paths);
      respell_all (l->readonly_paths);
    }
  struct spec_capabilities *c = s->process ? s->process->capabilities : NULL;
  char ***sets[] = { c ? &c->bounding : NULL, c ? &c->effective : NULL, c ? &c->permitted : NULL,
                     c ? &c->inheritable : NULL, c ? &c->ambient : NULL };
  for (size_t k = 0; k < 5; k++)
    if (sets[k] && *sets[k] && (*sets[k])[0])
      {
        *sets[k] = strv_append (*sets[k], (*sets[k])[prop_rnd ((unsigned) strv_len (*sets[k]))]);
        strv_shuffle (*sets[k]);
      }
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct spec_mount *m = &s->mounts[i];
      if (m->options && m->options[0] && strcmp (m->options[0], "bind") != 0 && strcmp (m->options[0], "rbind") != 0)
        m->options = strv_append (m->options, m->options[0]);
      size_t n = strv_len (m->options);
      if (n && strcmp (m->options[n - 1], "ro") == 0)
        {
          /* "rw","ro": the last word wins, as before */
          free (m->options[n - 1]);
          m->options[n - 1] = xstrdup ("rw");
          m->options = strv_append (m->options, "ro");
        }
      if (m->destination && m->destination[0] == '/' && strcmp (m->destination, "/") != 0)
        {
          char *r = respell_path (m->destination);
          free (m->destination);
          m->destination = r;
        }
    }
}

/* The verdict, as the sorted rule ids with their actions (paths and values
   may name indexes and spellings, which the generator changes). */
static char *
verdict_of (const struct spec *s, enum policy_level level, const struct policy_options *o)
{
  struct policy_findings f = { 0 };
  policy_check (s, level, o, &f);
  char **ids = NULL;
  for (size_t i = 0; i < f.n; i++)
    {
      _cleanup_free_ char *one = xasprintf ("%s:%s", f.v[i].rule->id, policy_action_name (f.v[i].action));
      bool seen = false;
      for (size_t j = 0; ids && ids[j]; j++)
        seen |= strcmp (ids[j], one) == 0;
      if (!seen)
        ids = strv_append (ids, one);
    }
  policy_findings_clear (&f);
  for (size_t i = 1; ids && ids[i]; i++)
    for (size_t j = i; j > 0 && strcmp (ids[j - 1], ids[j]) > 0; j--)
      {
        char *t = ids[j];
        ids[j] = ids[j - 1];
        ids[j - 1] = t;
      }
  char *out = xstrdup ("");
  for (size_t i = 0; ids && ids[i]; i++)
    {
      char *more = xasprintf ("%s%s ", out, ids[i]);
      free (out);
      out = more;
    }
  strv_free (ids);
  return out;
}

static void
every_rules_verdict_survives_equivalent_configs (void)
{
  const char *env = getenv ("CASCO_SEED");
  prop_seed = env ? strtoul (env, NULL, 10) : (unsigned long) time (NULL);
  printf ("# seed %lu (CASCO_SEED replays it)\n", prop_seed);
  for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++)
    {
      const struct rule_case *rc = &rule_cases[i];
      struct host_object v[2], none[2];
      struct host_objects objs;
      struct policy_options o = { .sources = &objs, CASE_HOST };
      judged_source (&objs, v, none, &rc->reach);
      for (int l = 0; l < POLICY_N_LEVELS; l++)
        {
          struct spec *s = build (rc->c);
          if (s == NULL)
            continue;
          _cleanup_free_ char *want = verdict_of (s, l, &o);
          CHECK (strstr (want, rc->id) != NULL);
          for (int round = 0; round < 25; round++)
            {
              equivalent_config (s);
              _cleanup_free_ char *got = verdict_of (s, l, &o);
              if (strcmp (got, want) != 0)
                printf ("#   %s at %s, round %d: %s, want %s\n", rc->id, policy_level_name (l), round, got, want);
              CHECK_STR (got, want);
            }
          spec_free (s);
        }
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
  /* ALLOW with one ERRNO rule for a syscall nobody needs: unconfined in
     disguise (it used to pass as "a weak filter") */
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                                   "[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-SECCOMP-UNCONFINED");
  CHECK (x && strcmp (x->path, "linux.seccomp.defaultAction") == 0 && strstr (x->value, "open_by_handle_at")
         && !strstr (x->value, " mount,") && x->fix && strstr (x->fix, "deny "));
  CHECK (f.n == 1);
  policy_findings_clear (&f);
  /* LOG with only ALLOW rules denies nothing */
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
capabilities_are_judged_by_number_with_exact_index (void)
{
  struct policy_findings f = { 0 };
  strict_findings (WITH (.process = ",\"capabilities\":{\"permitted\":[\"CAP_KILL\",\"CAP_SYS_ADMIN\"],"
                                    "\"ambient\":[\"CAP_BPF\"]}"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-CAP-SYS_ADMIN");
  CHECK (x && strcmp (x->path, "process.capabilities.permitted[1]") == 0);
  CHECK (x && x->fix && strstr (x->fix, "remove \"CAP_SYS_ADMIN\" from process.capabilities.permitted"));
  x = find_rule (&f, "CASCO-CAP-BPF");
  CHECK (x && strcmp (x->path, "process.capabilities.ambient[0]") == 0);
  CHECK (f.n == 2);
  policy_findings_clear (&f);
  /* once per capability, however many sets name it */
  strict_findings (WITH (CAPS ("CAP_SYS_MODULE")), NULL, &f);
  CHECK (count_rule (&f, "CASCO-CAP-SYS_MODULE") == 1);
  policy_findings_clear (&f);
}

/* One spelling per capability, the kernel's: every other is a config
   error before any rule runs (libcap took "21", "cap_sys_admin", blanks). */
static void
capability_names_resolve_only_when_exact (void)
{
  CHECK (caps_from_name ("CAP_CHOWN") == 0);
  CHECK (caps_from_name ("CAP_SYS_ADMIN") == 21);
  CHECK (caps_from_name ("CAP_SYS_PTRACE") == 19);
  CHECK (caps_from_name ("CAP_CHECKPOINT_RESTORE") == 40);
  CHECK (caps_name (41) == NULL);
  for (int c = 0; caps_name (c); c++)
    CHECK (caps_from_name (caps_name (c)) == c);
  static const char *const respelled[] = {
    "21", "0x15", "021", " 21", "cap_sys_admin", "Cap_Sys_Admin", "SYS_ADMIN", "sys_admin", " CAP_SYS_ADMIN",
    "CAP_SYS_ADMIN ", "CAP_SYS_ADMIN\t", "CAP_SYS_ADMIN\n", "CAP_SYS_ADMIN,CAP_KILL", "CAP_SYS_ADMIN=eip",
    "CAP_SYS_ADMIn", "CAP_ALL", "all", "", "CAP_", "CAP_41", NULL,
  };
  for (size_t i = 0; respelled[i]; i++)
    {
      if (caps_from_name (respelled[i]) != -1)
        printf ("# \"%s\" resolved\n", respelled[i]);
      CHECK (caps_from_name (respelled[i]) == -1);
      /* and spec_validate refuses it, naming the entry and the spelling expected */
      _cleanup_free_ char *process = xasprintf (",\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
                                                "\"effective\":[\"CAP_KILL\",\"%s\"]}", respelled[i]);
      for (char *p = process; *p; p++)
        if (*p == '\t')
          p[0] = ' ';   /* JSON strings hold no raw control characters: a blank instead */
        else if (*p == '\n')
          p[0] = ' ';
      struct spec *s = build (WITH (.process = process));
      CHECK (s != NULL);
      struct casco_error *err = NULL;
      CHECK (s && spec_validate (s, &err) < 0);
      CHECK (err && err->json_path && strcmp (err->json_path, "process.capabilities.effective[1]") == 0);
      CHECK (err && strstr (err->msg, "exact name"));
      casco_error_free (err);
      spec_free (s);
    }
}

/* The effect table on hand-written programs: what the kernel runs. */
#define LD_ARCH BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch))
#define RET(v) BPF_STMT (BPF_RET | BPF_K, (v))

static void
seccomp_effect_runs_every_abi (void)
{
  struct seccomp_program dflt = { 0 };
  struct casco_error *err = NULL;
  CHECK (seccomp_default_program (&dflt, &err) == 0);
  casco_error_free (err);
  /* casco's default lets none through */
  CHECK (seccomp_effect_escapes (&dflt, &dflt, true, false) == NULL);
  CHECK (seccomp_effect_escapes (&dflt, NULL, false, false) == NULL);
  /* x86_64 all denied, everything else (int 0x80) allowed */
  struct sock_filter i386_open[] = {
    LD_ARCH,
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 1),
    RET (SECCOMP_RET_ERRNO | 1),
    RET (SECCOMP_RET_ALLOW),
  };
  struct seccomp_program p = { .insns = i386_open, .len = ARRAY_SIZE (i386_open) };
  char **esc = seccomp_effect_escapes (&p, &dflt, false, false);
  CHECK (strv_len (esc) == 1 && strncmp (esc[0], "i386: unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER)", 50) == 0);
  CHECK (esc && strstr (esc[0], "mount") && !strstr (esc[0], "ptrace"));
  strv_free (esc);
  /* TRACE lets a syscall through too (a tracer decides); ptrace counts with the cap */
  struct sock_filter trace_all[] = { RET (SECCOMP_RET_TRACE) };
  p = (struct seccomp_program){ .insns = trace_all, .len = 1 };
  esc = seccomp_effect_escapes (&p, NULL, true, false);
  CHECK (strv_len (esc) == 3 && esc && strncmp (esc[0], "x86_64: ", 8) == 0 && strstr (esc[0], "ptrace"));
  strv_free (esc);
  /* x32: an x86_64 filter that forgets nr >= 0x40000000 (LOG runs the syscall) */
  struct sock_filter x32_open[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
    RET (SECCOMP_RET_LOG),
    RET (SECCOMP_RET_KILL_PROCESS),
  };
  p = (struct seccomp_program){ .insns = x32_open, .len = ARRAY_SIZE (x32_open) };
  esc = seccomp_effect_escapes (&p, &dflt, false, false);
  CHECK (strv_len (esc) == 1 && esc && strncmp (esc[0], "x32: ", 5) == 0);
  strv_free (esc);
  /* KILL, TRAP, ERRNO and USER_NOTIF deny */
  static const uint32_t denies[] = { SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO | 0,
                                     SECCOMP_RET_USER_NOTIF };
  for (size_t i = 0; i < ARRAY_SIZE (denies); i++)
    {
      struct sock_filter one[] = { RET (denies[i]) };
      p = (struct seccomp_program){ .insns = one, .len = 1 };
      CHECK (seccomp_effect_escapes (&p, NULL, true, false) == NULL);
    }
  seccomp_program_clear (&dflt);
}

static char *
fixture (const char *name)
{
  const char *srcdir = getenv ("srcdir");
  if (srcdir)
    return xasprintf ("%s/tests/fixtures/%s", srcdir, name);
  _cleanup_free_ char *dir = xstrdup (__FILE__);   /* run by hand */
  char *slash = strrchr (dir, '/');
  if (slash)
    *slash = '\0';
  return xasprintf ("%s/../fixtures/%s", slash ? dir : ".", name);
}

/* A clone rule that denies CLONE_NEWUSER only alone, compiled by
   libseccomp, is caught; the engines' own profiles pass. */
static void
seccomp_profiles_by_effect (void)
{
  struct policy_findings f = { 0 };
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":"
                                   "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
                                   "{\"names\":[\"clone\",\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
                                   "[{\"index\":0,\"value\":268435456,\"op\":\"SCMP_CMP_EQ\"}]}]}"), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-SECCOMP-UNCONFINED");
  CHECK (x && strstr (x->value, "bpf") && strstr (x->value, "i386: "));
  policy_findings_clear (&f);
  /* confined but for what Podman's default also lets through: weaker, not a way out */
  strict_findings (WITH (.linux_ = ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
                                   "{\"names\":[\"unshare\",\"mount\",\"keyctl\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"), NULL, &f);
  CHECK (count_rule (&f, "CASCO-SECCOMP-UNCONFINED") == 0);
  x = find_rule (&f, "CASCO-SECCOMP-WEAKER");
  CHECK (x && strstr (x->value, "unshare(CLONE_NEWUSER)") && strstr (x->value, "keyctl"));
  policy_findings_clear (&f);
  static const char *const engines[] = { "docker-default.json", "containerd-default.json" };
  for (size_t i = 0; i < ARRAY_SIZE (engines); i++)
    {
      _cleanup_free_ char *path = fixture (engines[i]);
      _cleanup_free_ char *text = NULL;
      struct casco_error *err = NULL;
      CHECK (read_file_at (AT_FDCWD, path, &text, NULL, &err) == 0);
      casco_error_free (err);
      struct spec *s = text ? parse (text) : NULL;
      CHECK (s != NULL);
      if (s == NULL)
        continue;
      /* Docker's config carries its profile; containerd's none (casco's default then) */
      CHECK (s->linux_ && (s->linux_->seccomp != NULL) == (i == 0));
      policy_apply_defaults (s, POLICY_STRICT, 0);
      policy_check (s, POLICY_BASELINE, NULL, &f);
      CHECK (find_rule (&f, "CASCO-SECCOMP-UNCONFINED") == NULL);
      policy_findings_clear (&f);
      spec_free (s);
    }
}

static void
bind_mounts_are_judged_on_the_host_object (void)
{
  struct policy_findings f = { 0 };
  struct host_object v[2], none[2];
  struct host_objects objs;
  struct policy_options o = { .sources = &objs };
  const struct cfg rw_bind = WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"rbind\"]}");
  const struct cfg ro_bind = WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"rbind\",\"ro\"]}");
  /* the spelling is not looked at: a source judged harmless passes */
  judged_source (&objs, v, none, &(struct host_reach){ 0 });
  strict_findings (WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/etc\",\"options\":[\"rbind\"]}"), &o, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  /* a system tree, writable: refused with the fix; read-only ("ro" last wins, or "rro") passes */
  judged_source (&objs, v, none, &(struct host_reach){ .system_tree = (char *) "inside the host's /etc" });
  strict_findings (rw_bind, &o, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-MOUNT-HOST-PATH");
  CHECK (x && strcmp (x->path, "mounts[1].source") == 0 && x->fix && strstr (x->fix, "\"rro\""));
  policy_findings_clear (&f);
  strict_findings (ro_bind, &o, &f);
  CHECK (f.n == 0);
  policy_findings_clear (&f);
  strict_findings (WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"bind\",\"ro\",\"rw\"]}"), &o, &f);
  CHECK (count_rule (&f, "CASCO-MOUNT-HOST-PATH") == 1);
  policy_findings_clear (&f);
  /* an engine socket and the host's procfs: read-only does not help */
  judged_source (&objs, v, none, &(struct host_reach){ .engine_socket = (char *) "is the host's /run/docker.sock",
                                                        .host_proc = (char *) "contains the host's /proc" });
  strict_findings (ro_bind, &o, &f);
  CHECK (count_rule (&f, "CASCO-MOUNT-ENGINE-SOCKET") == 1 && count_rule (&f, "CASCO-MOUNT-HOST-PROC") == 1);
  policy_findings_clear (&f);
  /* devices: read-only does not help, nodev does (rnodev when below a submount) */
  judged_source (&objs, v, none, &(struct host_reach){ .devices = (char *) "contains the host's /dev",
                                                        .devices_below = true });
  strict_findings (ro_bind, &o, &f);
  CHECK (count_rule (&f, "CASCO-DEVICE-HOST") == 1);
  policy_findings_clear (&f);
  strict_findings (WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"rbind\",\"nodev\"]}"), &o, &f);
  CHECK (count_rule (&f, "CASCO-DEVICE-HOST") == 1);
  policy_findings_clear (&f);
  strict_findings (WITH (.mounts = ",{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"rbind\",\"rnodev\"]}"), &o, &f);
  CHECK (count_rule (&f, "CASCO-DEVICE-HOST") == 0);
  policy_findings_clear (&f);
}

static void
filesystems_outside_the_allowlist (void)
{
  struct policy_findings f = { 0 };
  const char *types[] = { "ext4", "xfs", "binfmt_misc", "debugfs", "bpf", "nfs", "securityfs", "EXT4", "tmpfs " };
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    {
      _cleanup_free_ char *mounts = xasprintf (",{\"destination\":\"/mnt\",\"type\":\"%s\",\"source\":\"/dev/vda\"}", types[i]);
      strict_findings (WITH (.mounts = mounts), NULL, &f);
      const struct policy_finding *x = find_rule (&f, "CASCO-MOUNT-FSTYPE");
      CHECK (x && strcmp (x->path, "mounts[1].type") == 0);
      policy_findings_clear (&f);
    }
  /* cgroup: writable without a cgroup namespace; "cgroup" is mounted as cgroup2 */
  strict_findings (WITH (.mounts = ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\"}"), NULL, &f);
  CHECK (count_rule (&f, "CASCO-MOUNT-CGROUP-WRITABLE") == 1);
  policy_findings_clear (&f);
  strict_findings (WITH (.mounts = ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"x\",\"options\":[\"ro\"]}"), NULL, &f);
  CHECK (f.n == 0);
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
  CHECK (policy_conf_parse ("# casco\n\n  level = baseline  # for containerd\n", "f", &l, &found, NULL, NULL, &err) == 0);
  CHECK (found && l == POLICY_BASELINE);
  CHECK (policy_conf_parse ("# nothing\n", "f", &l, &found, NULL, NULL, &err) == 0 && !found);
  CHECK (policy_conf_parse ("\nlevel = lax\n", "/etc/casco/policy.conf", &l, &found, NULL, NULL, &err) < 0);
  CHECK (err && strstr (err->msg, "/etc/casco/policy.conf:2:") && strstr (err->msg, "\"lax\""));
  casco_error_free (err);
  err = NULL;
  CHECK (policy_conf_parse ("mode = strict\n", "f", &l, &found, NULL, NULL, &err) < 0);
  CHECK (err && strstr (err->msg, "f:1: unknown key \"mode\""));
  casco_error_free (err);
  err = NULL;
  CHECK (policy_conf_parse ("strict\n", "f", &l, &found, NULL, NULL, &err) < 0);
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
  char **notes = policy_defaults_notes (s, POLICY_BASELINE, 0, false);
  CHECK (strv_len (notes) == 6);
  CHECK_CONTAINS (notes[0], "process.noNewPrivileges: absent; casco sets true");
  CHECK_CONTAINS (notes[0], "`defaults_off = noNewPrivileges`");
  CHECK_CONTAINS (notes[0], "--policy permissive");
  strv_free (notes);
  /* no cgroup: the pids default is not applied, so not said */
  notes = policy_defaults_notes (s, POLICY_BASELINE, 0, true);
  CHECK (strv_len (notes) == 5);
  strv_free (notes);
  notes = policy_defaults_notes (s, POLICY_PERMISSIVE, 0, true);
  CHECK (strv_len (notes) == 5);
  CHECK_CONTAINS (notes[0], "the spec's meaning applies at permissive (false); at baseline and strict casco sets true");
  strv_free (notes);
  notes = policy_defaults_notes (s, POLICY_BASELINE, POLICY_DEFAULT_BIT (POLICY_DEFAULT_SECCOMP), true);
  CHECK_CONTAINS (notes[4], "linux.seccomp: absent; the spec's meaning applies (no syscall filter): "
                            "`defaults_off = seccomp`");
  strv_free (notes);
  policy_apply_defaults (s, POLICY_STRICT, 0);
  notes = policy_defaults_notes (s, POLICY_STRICT, 0, true);
  /* what remains: the seccomp profile, which seccomp.c chooses */
  CHECK (strv_len (notes) == 1);
  strv_free (notes);
  spec_free (s);
}

/* permissive is the OCI spec: nothing filled in but what the process
   keeps anyway; each default off by name does the same for that field. */
static void
permissive_adds_nothing (void)
{
  const char *json = MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                             "\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}],"
                             "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}";
  struct spec *s = parse (json);
  CHECK (s != NULL);
  if (s == NULL)
    return;
  policy_apply_defaults (s, POLICY_PERMISSIVE, 0);
  policy_default_pids (s, POLICY_PERMISSIVE, 0);
  CHECK (!s->process->has_no_new_privileges && !s->process->no_new_privileges);
  /* absent: no capabilities, as runc gives */
  CHECK (s->process->capabilities == NULL);
  CHECK (s->linux_->masked_paths == NULL && s->linux_->readonly_paths == NULL);
  CHECK (s->linux_->seccomp_absent_unconfined);
  CHECK (strv_len (s->mounts[0].options) == 0);
  CHECK (!s->linux_->resources.has_pids);
  struct policy_findings f = { 0 };
  CHECK (policy_check (s, POLICY_PERMISSIVE, NULL, &f) == 0);
  CHECK (find_rule (&f, "CASCO-SECCOMP-UNCONFINED") != NULL);
  CHECK (find_rule (&f, "CASCO-MASKEDPATHS-EMPTY") != NULL);
  CHECK (find_rule (&f, "CASCO-READONLYPATHS-MISSING") != NULL);
  CHECK (find_rule (&f, "CASCO-MOUNT-SYSFS-RW") != NULL);
  CHECK (find_rule (&f, "CASCO-NNP-DISABLED") != NULL);
  policy_findings_clear (&f);
  spec_free (s);

  /* baseline with noNewPrivileges off: the absence is judged as false */
  s = parse (json);
  if (s == NULL)
    return;
  policy_apply_defaults (s, POLICY_BASELINE, POLICY_DEFAULT_BIT (POLICY_DEFAULT_NNP));
  CHECK (!s->process->no_new_privileges);
  CHECK (strv_len (s->process->capabilities->bounding) == 3);
  CHECK (!s->linux_->seccomp_absent_unconfined);
  CHECK (strv_len (s->mounts[0].options) == 1);
  policy_check (s, POLICY_BASELINE, NULL, &f);
  const struct policy_finding *nnp = find_rule (&f, "CASCO-NNP-DISABLED");
  CHECK (nnp && nnp->action == POLICY_WARN);
  CHECK (find_rule (&f, "CASCO-SECCOMP-UNCONFINED") == NULL);
  policy_findings_clear (&f);
  spec_free (s);
}

static void
defaults_off_names (void)
{
  enum policy_level l = POLICY_STRICT;
  bool found;
  unsigned off = 0;
  struct casco_error *err = NULL;
  CHECK (policy_conf_parse ("level = baseline\ndefaults_off = noNewPrivileges seccomp\ndefaults_off = pids\n", "f",
                            &l, &found, NULL, &off, &err) == 0);
  CHECK (off == (POLICY_DEFAULT_BIT (POLICY_DEFAULT_NNP) | POLICY_DEFAULT_BIT (POLICY_DEFAULT_SECCOMP)
                 | POLICY_DEFAULT_BIT (POLICY_DEFAULT_PIDS)));
  CHECK (policy_defaults_in_force (POLICY_BASELINE, off) == POLICY_DEFAULT_BIT (POLICY_DEFAULT_CAPS)
                                                              + POLICY_DEFAULT_BIT (POLICY_DEFAULT_MASKED)
                                                              + POLICY_DEFAULT_BIT (POLICY_DEFAULT_READONLY)
                                                              + POLICY_DEFAULT_BIT (POLICY_DEFAULT_SYSFS));
  CHECK (policy_defaults_in_force (POLICY_PERMISSIVE, 0) == 0);
  for (int d = 0; d < POLICY_N_DEFAULTS; d++)
    CHECK (policy_default_from_name (policy_default_name (d)) == d);
  CHECK (policy_conf_parse ("\n\ndefaults_off = noNewPrivilege\n", "/etc/casco/policy.conf", &l, &found, NULL, &off,
                            &err) < 0);
  CHECK (err && strstr (err->msg, "/etc/casco/policy.conf:3: defaults_off: unknown default \"noNewPrivilege\"")
         && strstr (err->msg, "noNewPrivileges, capabilities, maskedPaths, readonlyPaths, seccomp, sysfs, pids"));
  casco_error_free (err);
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

#define ns_no_cgroup_hardened HARDENED_NS
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

/* Limits are compared with the host's facts, given (judge.c reads them):
   above the memory or the CPUs it has is said at every level, with the
   host's number; without the facts nothing is said. */
static void
limits_above_the_host_are_said (void)
{
  struct policy_options host = { .host_mem_total = 2ULL << 30, .host_cpus = 2, .host_cpus_online = "0-1" };
  struct policy_findings f = { 0 };
  /* 1 EiB on a 2 GiB host */
  const struct cfg eib = WITH (.resources = "\"memory\":{\"limit\":1152921504606846976},\"pids\":{\"limit\":100}");
  for (int l = 0; l < POLICY_N_LEVELS; l++)
    {
      struct spec *s = build (eib);
      CHECK (s && policy_check (s, l, &host, &f) == 0);
      const struct policy_finding *x = find_rule (&f, "CASCO-LIMITS-ABOVE-HOST");
      CHECK (f.n == 1 && x && x->action == POLICY_WARN && strcmp (x->path, "linux.resources.memory.limit") == 0
             && strstr (x->value, "2147483648 bytes") && strstr (x->fix, "set \"limit\":2147483648 in linux.resources.memory"));
      policy_findings_clear (&f);
      spec_free (s);
    }
  CHECK (strict_findings (eib, NULL, &f) == 0 && f.n == 0);
  policy_findings_clear (&f);
  /* exactly the host's memory is no finding */
  CHECK (strict_findings (WITH (.resources = "\"memory\":{\"limit\":2147483648},\"pids\":{\"limit\":1}"), &host, &f) == 0
         && f.n == 0);
  policy_findings_clear (&f);
  /* cpu.max: quota over period, the kernel's 100000 when no period is given */
  static const struct { const char *cpu; size_t n; } cpus[] = {
    { "\"quota\":200000,\"period\":100000", 0 },
    { "\"quota\":200001,\"period\":100000", 1 },
    { "\"quota\":300000", 1 },
    { "\"quota\":200000", 0 },
    { "\"quota\":-1", 0 },
    { "\"cpus\":\"0-1\"", 0 },
    { "\"cpus\":\"1\"", 0 },
    { "\"cpus\":\"0,2\"", 1 },
    { "\"cpus\":\"0-7\"", 1 },
    { "\"cpus\":\"junk\"", 0 },   /* create's error, not this rule's */
  };
  for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
    {
      _cleanup_free_ char *res = xasprintf (LIMITS ",\"cpu\":{%s}", cpus[i].cpu);
      strict_findings (WITH (.resources = res), &host, &f);
      if (count_rule (&f, "CASCO-LIMITS-ABOVE-HOST") != cpus[i].n)
        printf ("# cpu {%s}: %zu findings\n", cpus[i].cpu, f.n);
      CHECK (count_rule (&f, "CASCO-LIMITS-ABOVE-HOST") == cpus[i].n && f.n == cpus[i].n);
      policy_findings_clear (&f);
    }
  strict_findings (WITH (.resources = LIMITS ",\"cpu\":{\"cpus\":\"0,2-3\"}"), &host, &f);
  CHECK (f.n == 1 && strstr (f.v[0].value, "CPU 2 is not online") && strstr (f.v[0].fix, "\"cpus\":\"0-1\""));
  policy_findings_clear (&f);
  strict_findings (WITH (.resources = LIMITS ",\"cpu\":{\"quota\":500000,\"period\":50000}"), &host, &f);
  CHECK (f.n == 1 && strstr (f.v[0].value, "10.00 CPUs") && strstr (f.v[0].fix, "set \"quota\":100000 in linux.resources.cpu"));
  policy_findings_clear (&f);
}

/* On a host without cgroup v2 no config meets strict's limits: said once,
   with the two real options, never "set a limit" (which the cgroup code
   must then refuse). */
static void
no_cgroup_v2_is_said_once (void)
{
  struct policy_options o = { .no_cgroup = true, .host_no_cgroup_v2 = "this host has cgroup v1/hybrid" };
  struct policy_findings f = { 0 };
  for (int with_limits = 0; with_limits < 2; with_limits++)
    {
      CHECK (strict_findings (WITH (.resources = with_limits ? LIMITS : ""), &o, &f) == 2);
      size_t said = 0;
      for (size_t i = 0; i < f.n; i++)
        if (f.v[i].fix)
          {
            said++;
            CHECK (strstr (f.v[i].fix, "cgroup v1/hybrid") && strstr (f.v[i].fix, "--policy baseline")
                   && strstr (f.v[i].fix, "systemd.unified_cgroup_hierarchy=1")
                   && !strstr (f.v[i].fix, "linux.resources"));
          }
      CHECK (said == 1);
      policy_findings_clear (&f);
    }
  /* a host with cgroup v2: the config change, or the flag that drops the cgroup */
  o.host_no_cgroup_v2 = NULL;
  strict_findings (hardened, &o, &f);
  CHECK (f.n == 2 && strstr (f.v[0].fix, "run without --cgroup-manager disabled"));
  policy_findings_clear (&f);
  strict_findings (WITH (.resources = ""), NULL, &f);
  CHECK (f.n == 2 && strstr (f.v[0].fix, "add \"memory\":{\"limit\":268435456} to linux.resources")
         && strstr (f.v[1].fix, "add \"pids\":{\"limit\":1024} to linux.resources"));
  policy_findings_clear (&f);
}

/* Fixes name the exact JSON that passes. */
static void
fixes_are_json_changes (void)
{
  struct policy_findings f = { 0 };
  /* a writable sysfs in private user and network namespaces: said, with the options that pass */
  strict_findings (WITH (.mounts = SYSFS ("\"nosuid\",\"rw\",\"nodev\"")), NULL, &f);
  const struct policy_finding *x = find_rule (&f, "CASCO-MOUNT-SYSFS-WRITABLE");
  CHECK (f.n == 1 && x && strcmp (x->fix, "set \"options\":[\"nosuid\",\"nodev\",\"ro\"] on mounts[1]") == 0);
  policy_findings_clear (&f);
  /* as real root: the namespaces that confine it, too */
  strict_findings (WITH (.mounts = SYSFS ("\"rw\""), .uid = "1000", .namespaces = ns_no_user), NULL, &f);
  x = find_rule (&f, "CASCO-MOUNT-SYSFS-RW");
  CHECK (x && strstr (x->fix, "set \"options\":[\"ro\"] on mounts[1]")
         && strstr (x->fix, "add {\"type\":\"user\"} to linux.namespaces and set \"uidMappings\":"));
  policy_findings_clear (&f);
  strict_findings (WITH (.readonly = "false"), NULL, &f);
  CHECK (f.n == 1 && strstr (f.v[0].fix, "set \"readonly\":true in root") == f.v[0].fix);
  policy_findings_clear (&f);
  strict_findings (WITH (.process = ",\"NoNewPrivileges\":true", .linux_ = ",\"seccomps\":{}"), NULL, &f);
  CHECK (f.n == 2 && strcmp (f.v[0].fix, "rename \"NoNewPrivileges\" to \"noNewPrivileges\" in process") == 0
         && strcmp (f.v[1].fix, "rename \"seccomps\" to \"seccomp\" in linux") == 0
         && f.v[0].action == POLICY_REFUSE);
  policy_findings_clear (&f);
  strict_findings (WITH (.top = ",\"completelyUnrelated\":1"), NULL, &f);
  CHECK (f.n == 1 && strcmp (f.v[0].fix, "remove \"completelyUnrelated\" from the top level (the OCI runtime "
                                         "spec defines no such key there)") == 0);
  policy_findings_clear (&f);
  strict_findings (WITH (.mounts = ",{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\","
                                   "\"options\":[\"nosuid\",\"rw\"]}", .namespaces = ns_no_cgroup_hardened), NULL, &f);
  x = find_rule (&f, "CASCO-MOUNT-CGROUP-WRITABLE");
  CHECK (x && strstr (x->fix, "set \"options\":[\"nosuid\",\"ro\"] on mounts[1], or add {\"type\":\"cgroup\"}") == x->fix);
  policy_findings_clear (&f);
}

int
main (void)
{
  RUN (absent_fields_get_secure_values);
  RUN (stated_values_always_win);
  RUN (hardened_config_has_no_findings);
  RUN (rule_table_is_complete_and_ordered);
  RUN (every_rule_fires_on_its_minimal_config);
  RUN (every_rules_verdict_survives_equivalent_configs);
  RUN (seccomp_unconfined_means_nothing_denied);
  RUN (capabilities_are_judged_by_number_with_exact_index);
  RUN (capability_names_resolve_only_when_exact);
  RUN (seccomp_effect_runs_every_abi);
  RUN (seccomp_profiles_by_effect);
  RUN (bind_mounts_are_judged_on_the_host_object);
  RUN (filesystems_outside_the_allowlist);
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
  RUN (limits_above_the_host_are_said);
  RUN (no_cgroup_v2_is_said_once);
  RUN (fixes_are_json_changes);
  RUN (permissive_adds_nothing);
  RUN (defaults_off_names);
  return UNIT_DONE ();
}

/* casco — the policy rules about what the container may use of the host:
   device nodes and device-cgroup rules that reach host disks or kernel
   memory, and memory, pids and CPU limits (absent, unenforced, or above
   what this host has).  Pure: findings only, through add_fix
   (policy_rules.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casco/policy.h"
#include "util.h"
#include "policy_rules.h"

/* /dev/mem 1:1, /dev/kmem 1:2, /dev/port 1:4. */
static bool
is_kmem_minor (int64_t minor)
{
  return minor == 1 || minor == 2 || minor == 4;
}

/* Does a device cgroup rule cover (some) block device or kernel memory device? */
static bool
rule_reaches_host_device (const struct spec_device_cgroup *d)
{
  char type = d->type ? d->type : 'a';
  if (type == 'a' || type == 'b')
    return true;
  if (type != 'c')
    return false;
  bool any_major = !d->has_major || d->major < 0;
  bool any_minor = !d->has_minor || d->minor < 0;
  return (any_major || d->major == 1) && (any_minor || is_kmem_minor (d->minor));
}

static bool
access_reads_or_writes (const char *access)
{
  return access == NULL || strpbrk (access, "rw") != NULL;
}

/* A later deny rule that covers everything this allow rule reaches undoes it. */
static bool
later_deny_covers (const struct spec_resources *r, size_t i)
{
  const struct spec_device_cgroup *a = &r->devices[i];
  for (size_t j = i + 1; j < r->n_devices; j++)
    {
      const struct spec_device_cgroup *d = &r->devices[j];
      char dt = d->type ? d->type : 'a', at = a->type ? a->type : 'a';
      if (d->allow || (dt != 'a' && dt != at))
        continue;
      bool major_ok = !d->has_major || d->major < 0 || (a->has_major && a->major == d->major);
      bool minor_ok = !d->has_minor || d->minor < 0 || (a->has_minor && a->minor == d->minor);
      bool access_ok = d->access == NULL
                       || (strchr (d->access, 'r') && strchr (d->access, 'w'))
                       || (a->access && strspn (a->access, d->access) == strlen (a->access));
      if (major_ok && minor_ok && access_ok)
        return true;
    }
  return false;
}

static char *
device_rule_text (const struct spec_device_cgroup *d)
{
  char major[24] = "*", minor[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long) d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long) d->minor);
  return xasprintf ("allow %c %s:%s %s", d->type ? d->type : 'a', major, minor,
                    d->access ? d->access : "rwm");
}

void
check_devices (struct check *c)
{
  const struct spec_linux *l = c->s->linux_;
  if (l == NULL)
    return;
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct spec_device *d = &l->devices[i];
      if (d->type == 'b' || ((d->type == 'c' || d->type == 'u') && d->major == 1 && is_kmem_minor (d->minor)))
        add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("linux.devices[%zu]", i),
                 xasprintf ("%c %lld:%lld %s", d->type, (long long) d->major, (long long) d->minor,
                            d->path ? d->path : ""),
                 xasprintf ("remove linux.devices[%zu] (give the container a file or a volume instead)", i));
    }
  const struct spec_resources *r = &l->resources;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct spec_device_cgroup *d = &r->devices[i];
      if (d->allow && access_reads_or_writes (d->access) && rule_reaches_host_device (d)
          && !later_deny_covers (r, i))
        add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("linux.resources.devices[%zu]", i), device_rule_text (d),
                 xasprintf ("remove linux.resources.devices[%zu], or end the list with "
                            "{\"allow\":false,\"type\":\"b\",\"access\":\"rwm\"} and name only character "
                            "devices other than 1:1, 1:2 and 1:4", i));
    }
}

/* Does the CPU list (cpuset syntax: "0-3,6") hold cpu?  false for a list
   it cannot read. */
static bool
cpulist_has (const char *list, unsigned long cpu, unsigned long *range_end)
{
  for (const char *p = list; p && *p;)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        return false;
      if (*end == '-')
        {
          const char *q = end + 1;
          b = strtoul (q, &end, 10);
          if (end == q)
            return false;
        }
      if (a <= cpu && cpu <= b)
        {
          *range_end = b;
          return true;
        }
      p = *end == ',' ? end + 1 : end;
      if (*end != ',' && *end != '\0')
        return false;
    }
  return false;
}

/* The first CPU of the config's list that is not in the host's online
   list; -1 when all are (or the list cannot be read: create's error). */
static long
first_cpu_offline (const char *want, const char *online)
{
  for (const char *p = want; *p;)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        return -1;
      if (*end == '-')
        {
          const char *q = end + 1;
          b = strtoul (q, &end, 10);
          if (end == q)
            return -1;
        }
      if (*end != ',' && *end != '\0')
        return -1;
      /* walk the range by the host's ranges that cover it */
      for (unsigned long x = a; x <= b;)
        {
          unsigned long to;
          if (!cpulist_has (online, x, &to))
            return (long) x;
          if (to >= b)
            break;
          x = to + 1;
        }
      p = *end == ',' ? end + 1 : end;
    }
  return -1;
}

/* Limits above what the host has limit nothing (facts from judge.c). */
static void
check_limits_vs_host (struct check *c, const struct spec_resources *r)
{
  const struct policy_options *o = c->opts;
  if (r == NULL)
    return;
  if (o->host_mem_total && r->has_memory && r->memory.has_limit && r->memory.limit > 0
      && (uint64_t) r->memory.limit > o->host_mem_total)
    add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.memory.limit"),
             xasprintf ("%" PRId64 " bytes, above this host's memory: %" PRIu64 " bytes (MemTotal)",
                        r->memory.limit, o->host_mem_total),
             xasprintf ("set \"limit\":%" PRIu64 " in linux.resources.memory (this host's memory; any lower "
                        "byte count passes too, what the container needs is best)", o->host_mem_total));
  const struct spec_cpu *cpu = &r->cpu;
  if (o->host_cpus && r->has_cpu && cpu->has_quota && cpu->quota > 0)
    {
      /* the kernel's period when the config gives none */
      uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000;
      if ((uint64_t) cpu->quota > period * o->host_cpus)
        add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.cpu.quota"),
                 xasprintf ("quota %" PRId64 " per period %" PRIu64 ": %.2f CPUs, above this host's %u online",
                            cpu->quota, period, (double) cpu->quota / (double) period, o->host_cpus),
                 xasprintf ("set \"quota\":%" PRIu64 " in linux.resources.cpu (%u CPUs of period %" PRIu64
                            "; any lower quota passes too)", period * o->host_cpus, o->host_cpus, period));
    }
  if (o->host_cpus_online && r->has_cpu && cpu->cpus && cpu->cpus[0])
    {
      long off = first_cpu_offline (cpu->cpus, o->host_cpus_online);
      if (off >= 0)
        add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.cpu.cpus"),
                 xasprintf ("\"%.*s\": CPU %ld is not online on this host (online: %s)", SHOWN_MAX, cpu->cpus,
                            off, o->host_cpus_online),
                 xasprintf ("set \"cpus\":\"%s\" in linux.resources.cpu (or a part of it)", o->host_cpus_online));
    }
}

/* The one sentence for a host where strict's limits cannot be met. */
static char *
no_cgroup_v2_fix (const char *why)
{
  return xasprintf ("nothing in the config passes strict on this host: %s, so it cannot enforce any limit. "
                    "Either run this container at --policy baseline without limits, or move the host to "
                    "cgroup v2 (boot it with systemd.unified_cgroup_hierarchy=1)", why);
}

void
check_limits (struct check *c)
{
  const struct spec_resources *r = c->s->linux_ ? &c->s->linux_->resources : NULL;
  bool no_cgroup = c->opts->no_cgroup;
  const char *no_v2 = c->opts->host_no_cgroup_v2;
  bool mem = r && r->has_memory && r->memory.has_limit && r->memory.limit > 0;
  bool pids = r && r->has_pids && r->pids_limit > 0;
  static const char disabled[] = "run without --cgroup-manager disabled (the container then gets a cgroup "
                                 "that enforces it)";
  /* on a host without cgroup v2 no config change passes: said once, on
     the first of the two findings, instead of asking for limits the
     cgroup code must then refuse */
  bool host_said = false;
  if (!mem || no_cgroup)
    {
      host_said = no_v2 != NULL;
      add_fix (c, "CASCO-LIMITS-MEMORY", xstrdup ("linux.resources.memory.limit"),
               xstrdup (!mem ? "absent or unlimited" : "not enforced: no cgroup"),
               no_v2 ? no_cgroup_v2_fix (no_v2)
               : !mem ? xstrdup ("add \"memory\":{\"limit\":268435456} to linux.resources (any byte count)")
                      : xstrdup (disabled));
    }
  if (!pids || no_cgroup)
    add_fix (c, "CASCO-LIMITS-PIDS", xstrdup ("linux.resources.pids.limit"),
             xstrdup (!pids ? "absent or unlimited" : "not enforced: no cgroup"),
             no_v2 ? (host_said ? NULL : no_cgroup_v2_fix (no_v2))
             : !pids ? xstrdup ("add \"pids\":{\"limit\":1024} to linux.resources (any count)")
                     : xstrdup (disabled));
  check_limits_vs_host (c, r);
}

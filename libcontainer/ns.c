/* Namespaces: plan (parent), join and create (child), maps (parent). */
#include <fcntl.h>
#include <stdio.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "util.h"
#include "ns.h"

int
ns_plan_build (const struct spec *s, struct ns_plan *plan, struct casco_error **err)
{
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    {
      plan->join_fd[t] = -1;
      plan->create[t] = false;
    }
  if (s->linux_ == NULL)
    return 0;
  for (size_t i = 0; i < s->linux_->n_namespaces; i++)
    {
      const struct spec_namespace *ns = &s->linux_->namespaces[i];
      if (ns->path == NULL || ns->path[0] == '\0')
        {
          plan->create[ns->type] = true;
          continue;
        }
      char jpath[64];
      snprintf (jpath, sizeof jpath, "linux.namespaces[%zu].path", i);
      int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          int saved = errno;
          ns_plan_close (plan);
          return casco_error_config (err, jpath, "open `%s`: %s", ns->path, strerror (saved));
        }
      /* A path that is not a namespace of this type would make setns fail
         later, in the child, with a vaguer message: check it here. */
      int nstype = ioctl (fd, NS_GET_NSTYPE);
      if (nstype != spec_ns_clone_flag (ns->type))
        {
          close (fd);
          ns_plan_close (plan);
          return casco_error_config (err, jpath, "`%s` is not a %s namespace", ns->path,
                                     spec_ns_name (ns->type));
        }
      plan->join_fd[ns->type] = fd;
    }
  return 0;
}

bool
ns_plan_joins_host (const struct ns_plan *plan, enum spec_ns_type t)
{
  struct stat joined, host;
  if (plan->join_fd[t] < 0 || fstat (plan->join_fd[t], &joined) < 0)
    return false;
  /* ours and PID 1's: casco may itself run in a child namespace of the host */
  const char *const owners[] = { "self", "1" };
  for (size_t i = 0; i < 2; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%s/ns/%s", owners[i], spec_ns_proc_name (t));
      if (stat (path, &host) == 0 && host.st_dev == joined.st_dev && host.st_ino == joined.st_ino)
        return true;
    }
  return false;
}

void
ns_plan_close (struct ns_plan *plan)
{
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    closep (&plan->join_fd[t]);
}

/* ---- --explain ---------------------------------------------------------- */

/* What each namespace gives the container, and what sharing it means. */
static const struct
{
  enum explain_item item;
  const char *own;
  const char *shared;
} ns_why[SPEC_NS_COUNT] = {
  [SPEC_NS_PID] = { EXPLAIN_D04, "its processes see only each other, the init is PID 1, host processes "
                                 "cannot be signalled or traced",
                    "it sees and may signal every host process" },
  [SPEC_NS_NETWORK] = { EXPLAIN_D03, "its own network stack: only a loopback interface, no route to the host "
                                     "or the outside until one is configured",
                        "it uses the host's interfaces, ports and routes" },
  [SPEC_NS_MOUNT] = { EXPLAIN_D04, "its own mount table: mounts made for it never appear on the host",
                      "its mounts would be the host's" },
  [SPEC_NS_IPC] = { EXPLAIN_D04, "its own SysV IPC objects and POSIX message queues",
                    "it shares SysV shared memory, semaphores and message queues with the host" },
  [SPEC_NS_UTS] = { EXPLAIN_D04, "its own hostname and domain name",
                    "setting its hostname would rename the host" },
  [SPEC_NS_USER] = { EXPLAIN_D01, "its ids are mapped: root inside need not be root outside",
                     "uid 0 inside is uid 0 on the host: the capability, seccomp and read-only steps "
                     "below are what confine it" },
  [SPEC_NS_CGROUP] = { EXPLAIN_D04, "its view of the cgroup tree starts at its own cgroup",
                       "it sees the host's cgroup paths" },
  [SPEC_NS_TIME] = { EXPLAIN_D04, "its own monotonic and boot-time clock offsets",
                     "it shares the host's clocks" },
};

/* The namespace this process is in, as the host's /proc names it. */
static unsigned long
ns_inode (enum spec_ns_type t)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/ns/%s", spec_ns_proc_name (t));
  struct stat sb;
  return stat (path, &sb) == 0 ? (unsigned long) sb.st_ino : 0;
}

/* pid and time namespaces apply to children only, and the kernel names
   them for the caller only once it has one: these two are told by the
   init, which lives in them (ns_explain_entered). */
static bool
ns_for_children (enum spec_ns_type t)
{
  return t == SPEC_NS_PID || t == SPEC_NS_TIME;
}

static void
explain_created (enum spec_ns_type t)
{
  if (casco_explain_enabled && !ns_for_children (t))
    casco_explain_line (ns_why[t].item, "%s namespace: created, inode %lu: %s", spec_ns_name (t),
                        ns_inode (t), ns_why[t].own);
}

static void
explain_joined (enum spec_ns_type t, int fd)
{
  struct stat sb;
  if (casco_explain_enabled)
    casco_explain_line (ns_why[t].item, "%s namespace: joined, inode %lu: %s", spec_ns_name (t),
                        fstat (fd, &sb) == 0 ? (unsigned long) sb.st_ino : 0, ns_why[t].own);
}

void
ns_explain_entered (const struct ns_plan *plan)
{
  for (int t = 0; casco_explain_enabled && t < SPEC_NS_COUNT; t++)
    if (ns_for_children (t) && plan->create[t])
      casco_explain_line (ns_why[t].item, "%s namespace: created, inode %lu: %s; this process is pid %d "
                          "in it", spec_ns_name (t), ns_inode (t), ns_why[t].own, (int) getpid ());
}

void
ns_explain_cloned (const struct ns_plan *plan)
{
  for (int t = 0; casco_explain_enabled && t < SPEC_NS_COUNT; t++)
    if (plan->create[t])
      explain_created (t);
}

void
ns_explain_shared (const struct ns_plan *plan)
{
  for (int t = 0; casco_explain_enabled && t < SPEC_NS_COUNT; t++)
    if (!plan->create[t] && plan->join_fd[t] < 0)
      casco_explain_line (ns_why[t].item, "%s namespace: not in linux.namespaces, shared with the host: %s",
                          spec_ns_name (t), ns_why[t].shared);
}

int
ns_join_user (const struct ns_plan *plan, struct casco_error **err)
{
  int fd = plan->join_fd[SPEC_NS_USER];
  if (fd >= 0 && setns (fd, CLONE_NEWUSER) < 0)
    return casco_error_set (err, errno, "join user namespace");
  if (fd >= 0)
    explain_joined (SPEC_NS_USER, fd);
  return 0;
}

int
ns_join_others (const struct ns_plan *plan, struct casco_error **err)
{
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    {
      if (t == SPEC_NS_USER || plan->join_fd[t] < 0)
        continue;
      if (setns (plan->join_fd[t], spec_ns_clone_flag (t)) < 0)
        return casco_error_set (err, errno, "join %s namespace", spec_ns_name (t));
      explain_joined (t, plan->join_fd[t]);
    }
  return 0;
}

int
ns_unshare_user (const struct ns_plan *plan, struct casco_error **err)
{
  if (plan->create[SPEC_NS_USER] && unshare (CLONE_NEWUSER) < 0)
    return casco_error_set (err, errno, "create user namespace");
  if (plan->create[SPEC_NS_USER])
    explain_created (SPEC_NS_USER);
  return 0;
}

int
ns_unshare_others (const struct ns_plan *plan, struct casco_error **err)
{
  int flags = 0;
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (t != SPEC_NS_USER && plan->create[t])
      flags |= spec_ns_clone_flag (t);
  if (flags && unshare (flags) < 0)
    return casco_error_set (err, errno, "create namespaces (flags 0x%x)", flags);
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (t != SPEC_NS_USER && plan->create[t])
      explain_created (t);
  return 0;
}

bool
ns_plan_direct (const struct ns_plan *plan)
{
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (plan->join_fd[t] >= 0)
      return false;
  return !plan->create[SPEC_NS_TIME];
}

unsigned long
ns_plan_clone_flags (const struct ns_plan *plan)
{
  unsigned long flags = 0;
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (t != SPEC_NS_CGROUP && plan->create[t])
      flags |= (unsigned long) spec_ns_clone_flag (t);
  return flags;
}

int
ns_write_time_offsets (const struct spec *s, struct casco_error **err)
{
  const struct spec_time_offset *mono = &s->linux_->time_monotonic;
  const struct spec_time_offset *boot = &s->linux_->time_boottime;
  if (!mono->present && !boot->present)
    return 0;
  _cleanup_close_ int fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return casco_error_set (err, errno, "open /proc/self/timens_offsets");
  /* The kernel takes one line per clock; each write must be whole. */
  const struct { const char *name; const struct spec_time_offset *off; } clocks[] = {
    { "monotonic", mono }, { "boottime", boot },
  };
  for (size_t i = 0; i < ARRAY_SIZE (clocks); i++)
    {
      if (!clocks[i].off->present)
        continue;
      char line[96];
      int n = snprintf (line, sizeof line, "%s %lld %u\n", clocks[i].name,
                        (long long) clocks[i].off->secs, clocks[i].off->nanosecs);
      if (write (fd, line, (size_t) n) != n)
        return casco_error_config (err, "linux.timeOffsets", "write %s offset: %s", clocks[i].name,
                                   strerror (errno));
    }
  return 0;
}

static int
write_map (pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
           const char *jpath, struct casco_error **err)
{
  if (n == 0)
    return 0;
  /* The kernel accepts the whole map in one write() only. */
  size_t cap = n * 40 + 1, used = 0;
  _cleanup_free_ char *buf = xmalloc0 (cap);
  for (size_t i = 0; i < n; i++)
    used += (size_t) snprintf (buf + used, cap - used, "%u %u %u\n", m[i].container_id,
                               m[i].host_id, m[i].size);
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return casco_error_set (err, errno, "open %s", path);
  if (write (fd, buf, used) != (ssize_t) used)
    return casco_error_config (err, jpath, "write %s: %s (overlapping or out-of-range mapping?)",
                               file, strerror (errno));
  if (casco_explain_enabled)
    {
      buf[used ? used - 1 : 0] = '\0';
      for (char *nl = strchr (buf, '\n'); nl; nl = strchr (nl, '\n'))
        *nl = ';';
      casco_explain_line (EXPLAIN_D01, "%s written by casco (outside the namespace): \"%s\" "
                          "(container id, host id, count): id %u inside is %u on the host",
                          file, buf, m[0].container_id, m[0].host_id);
    }
  return 0;
}

int
ns_write_id_maps (pid_t pid, const struct spec *s, struct casco_error **err)
{
  const struct spec_linux *l = s->linux_;
  if (write_map (pid, "uid_map", l->uid_mappings, l->n_uid_mappings, "linux.uidMappings", err) < 0)
    return -1;
  return write_map (pid, "gid_map", l->gid_mappings, l->n_gid_mappings, "linux.gidMappings", err);
}

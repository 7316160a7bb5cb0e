/* Reading a cgroup's usage: cpu.stat, memory.*, pids.*, io.stat into
   struct cgroup_stats (`events --stats`), and memory.events for the OOM
   report. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_internal.h"

/* ---- stats ---------------------------------------------------------------------------------- */

void
cgroup_parse_io_stat (const char *text, struct cgroup_stats *st)
{
  static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
  uint64_t *dst[] = { &st->io_rbytes, &st->io_wbytes, &st->io_rios, &st->io_wios };
  for (const char *line = text; line && *line;)
    {
      const char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);
      for (const char *p = line; p < line + len;)
        {
          p += strspn (p, " ");
          size_t n = strcspn (p, " \n");
          for (size_t k = 0; k < ARRAY_SIZE (keys); k++)
            {
              size_t kl = strlen (keys[k]);
              if (n > kl && strncmp (p, keys[k], kl) == 0)
                *dst[k] += strtoull (p + kl, NULL, 10);
            }
          p += n;
          if (n == 0)
            break;
        }
      line = eol ? eol + 1 : NULL;
    }
}

int
cgroup_oom_read (int fd, struct cgroup_oom *o)
{
  memset (o, 0, sizeof *o);
  _cleanup_free_ char *events = fd < 0 ? NULL : cgroup_read_at (fd, "memory.events");
  if (events == NULL)
    return -1;
  cgroup_parse_keyed (events, "oom", &o->oom);
  cgroup_parse_keyed (events, "oom_kill", &o->oom_kill);
  if (cgroup_read_u64_at (fd, "memory.max", &o->max) < 0)
    o->max = UINT64_MAX;
  return 0;
}

int
cgroup_stats (const char *path, struct cgroup_stats *st, struct casco_error **err)
{
  memset (st, 0, sizeof *st);
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  /* A controller that is not enabled leaves its fields at 0. */
  _cleanup_free_ char *cpu = cgroup_read_at (fd, "cpu.stat");
  if (cpu)
    {
      cgroup_parse_keyed (cpu, "usage_usec", &st->cpu_usage_usec);
      cgroup_parse_keyed (cpu, "user_usec", &st->cpu_user_usec);
      cgroup_parse_keyed (cpu, "system_usec", &st->cpu_system_usec);
      cgroup_parse_keyed (cpu, "nr_periods", &st->cpu_nr_periods);
      cgroup_parse_keyed (cpu, "nr_throttled", &st->cpu_nr_throttled);
      cgroup_parse_keyed (cpu, "throttled_usec", &st->cpu_throttled_usec);
    }
  cgroup_read_u64_at (fd, "memory.current", &st->memory_current);
  cgroup_read_u64_at (fd, "memory.max", &st->memory_max);
  cgroup_read_u64_at (fd, "memory.swap.current", &st->memory_swap_current);
  cgroup_read_u64_at (fd, "memory.swap.max", &st->memory_swap_max);
  _cleanup_free_ char *mev = cgroup_read_at (fd, "memory.events");
  if (mev)
    {
      cgroup_parse_keyed (mev, "oom", &st->memory_events_oom);
      cgroup_parse_keyed (mev, "oom_kill", &st->memory_events_oom_kill);
      cgroup_parse_keyed (mev, "max", &st->memory_events_max);
    }
  cgroup_read_u64_at (fd, "pids.current", &st->pids_current);
  cgroup_read_u64_at (fd, "pids.max", &st->pids_max);
  _cleanup_free_ char *io = cgroup_read_at (fd, "io.stat");
  if (io)
    cgroup_parse_io_stat (io, st);
  return 0;
}

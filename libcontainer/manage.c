/* Operations on a running container: pause, resume, ps, update, stats.
   All of them act on the container's cgroup (v2); a container created
   without one gets a clear error instead of a silent no-op. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "casco/container.h"
#include "casco/error.h"
#include "casco/json.h"
#include "util.h"
#include "cgroup.h"
#include "lifecycle.h"

/* Open the container, require a cgroup, and (optionally) a live init. */
static int
open_with_cgroup (const struct casco_context *ctx, const char *id, bool need_alive,
                  struct container_state *st, struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, st, err) < 0)
    return -1;
  if (need_alive && (st->status == CONTAINER_STOPPED || st->status == CONTAINER_CREATING))
    return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
  if (st->cgroup_path == NULL || st->cgroup_path[0] == '\0')
    return casco_error_set (err, 0, "container %s has no cgroup (created without cgroup v2 or "
                                    "with --cgroup-manager disabled)", id);
  return 0;
}

int
container_pause (const struct casco_context *ctx, const char *id, struct casco_error **err)
{
  struct container_state st = { 0 };
  int rc = -1;
  if (open_with_cgroup (ctx, id, true, &st, err) == 0)
    {
      if (st.status != CONTAINER_RUNNING && st.status != CONTAINER_CREATED)
        casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
      else
        rc = cgroup_freeze (st.cgroup_path, true, err);
    }
  container_state_clear (&st);
  return rc;
}

int
container_resume (const struct casco_context *ctx, const char *id, struct casco_error **err)
{
  struct container_state st = { 0 };
  int rc = -1;
  if (open_with_cgroup (ctx, id, true, &st, err) == 0)
    {
      if (st.status != CONTAINER_PAUSED)
        casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "container not paused");
      else
        rc = cgroup_freeze (st.cgroup_path, false, err);
    }
  container_state_clear (&st);
  return rc;
}

int
container_pids (const struct casco_context *ctx, const char *id, pid_t **pids, size_t *n,
                struct casco_error **err)
{
  struct container_state st = { 0 };
  *pids = NULL;
  *n = 0;
  int rc = -1;
  if (open_with_cgroup (ctx, id, false, &st, err) == 0)
    rc = cgroup_pids (st.cgroup_path, pids, n, err);
  container_state_clear (&st);
  return rc;
}

int
container_update (const struct casco_context *ctx, const char *id, const struct spec_resources *r,
                  struct casco_error **err)
{
  struct container_state st = { 0 };
  int rc = -1;
  if (open_with_cgroup (ctx, id, true, &st, err) == 0)
    rc = cgroup_update (st.cgroup_path, r, err);
  container_state_clear (&st);
  return rc;
}

int
container_oom_count (const struct casco_context *ctx, const char *id, uint64_t *count,
                     struct casco_error **err)
{
  struct container_state st = { 0 };
  struct cgroup_stats s;
  int rc = -1;
  if (open_with_cgroup (ctx, id, true, &st, err) == 0 && cgroup_stats (st.cgroup_path, &s, err) == 0)
    {
      *count = s.memory_events_oom_kill;
      rc = 0;
    }
  container_state_clear (&st);
  return rc;
}

/* runc's events --stats layout, with the v2 numbers mapped onto it. */
static void
stats_data (json_writer *w, const struct cgroup_stats *s)
{
  jw_key (w, "cpu");
  jw_obj_open (w);
  jw_key (w, "usage");
  jw_obj_open (w);
  jw_key (w, "total");
  jw_uint (w, s->cpu_usage_usec * 1000);   /* runc reports nanoseconds */
  jw_key (w, "kernel");
  jw_uint (w, s->cpu_system_usec * 1000);
  jw_key (w, "user");
  jw_uint (w, s->cpu_user_usec * 1000);
  jw_obj_close (w);
  jw_key (w, "throttling");
  jw_obj_open (w);
  jw_key (w, "periods");
  jw_uint (w, s->cpu_nr_periods);
  jw_key (w, "throttledPeriods");
  jw_uint (w, s->cpu_nr_throttled);
  jw_key (w, "throttledTime");
  jw_uint (w, s->cpu_throttled_usec * 1000);
  jw_obj_close (w);
  jw_obj_close (w);

  jw_key (w, "memory");
  jw_obj_open (w);
  jw_key (w, "usage");
  jw_obj_open (w);
  jw_key (w, "usage");
  jw_uint (w, s->memory_current);
  jw_key (w, "limit");
  jw_uint (w, s->memory_max);
  jw_key (w, "failcnt");
  jw_uint (w, s->memory_events_max);
  jw_obj_close (w);
  jw_key (w, "swap");
  jw_obj_open (w);
  jw_key (w, "usage");
  jw_uint (w, s->memory_swap_current);
  jw_key (w, "limit");
  jw_uint (w, s->memory_swap_max);
  jw_obj_close (w);
  jw_key (w, "oom_kill");
  jw_uint (w, s->memory_events_oom_kill);
  jw_obj_close (w);

  jw_key (w, "pids");
  jw_obj_open (w);
  jw_key (w, "current");
  jw_uint (w, s->pids_current);
  jw_key (w, "limit");
  jw_uint (w, s->pids_max);
  jw_obj_close (w);

  jw_key (w, "blkio");
  jw_obj_open (w);
  static const char *const ops[] = { "Read", "Write" };
  uint64_t bytes[] = { s->io_rbytes, s->io_wbytes }, ios[] = { s->io_rios, s->io_wios };
  jw_key (w, "ioServiceBytesRecursive");
  jw_arr_open (w);
  for (int i = 0; i < 2; i++)
    {
      jw_obj_open (w);
      jw_kv_str (w, "op", ops[i]);
      jw_key (w, "value");
      jw_uint (w, bytes[i]);
      jw_obj_close (w);
    }
  jw_arr_close (w);
  jw_key (w, "ioServicedRecursive");
  jw_arr_open (w);
  for (int i = 0; i < 2; i++)
    {
      jw_obj_open (w);
      jw_kv_str (w, "op", ops[i]);
      jw_key (w, "value");
      jw_uint (w, ios[i]);
      jw_obj_close (w);
    }
  jw_arr_close (w);
  jw_obj_close (w);
}

int
container_stats_json (const struct casco_context *ctx, const char *id, char **json,
                      struct casco_error **err)
{
  struct container_state st = { 0 };
  struct cgroup_stats s;
  int rc = -1;
  if (open_with_cgroup (ctx, id, true, &st, err) == 0 && cgroup_stats (st.cgroup_path, &s, err) == 0)
    {
      json_writer *w = jw_new (false);
      jw_obj_open (w);
      jw_kv_str (w, "type", "stats");
      jw_kv_str (w, "id", id);
      jw_key (w, "data");
      jw_obj_open (w);
      stats_data (w, &s);
      jw_obj_close (w);
      jw_obj_close (w);
      *json = jw_finish (w, NULL);
      rc = 0;
    }
  container_state_clear (&st);
  return rc;
}

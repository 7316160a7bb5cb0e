/* The state directory: creation, locking, atomic state.json, status probing. */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/state.h"
#include "util.h"
#include "cgroup.h"
#include "early/early.h"

const char *
container_status_name (enum container_status s)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  return names[s];
}

bool
state_id_valid (const char *id)
{
  return id != NULL && early_id_valid (id);
}

/* mkdir -p for the root, each component 0700: state holds pids and sockets. */
static int
mkdir_parents (const char *path, struct casco_error **err)
{
  _cleanup_free_ char *copy = xstrdup (path);
  for (char *p = copy + 1; ; p++)
    {
      bool last = (*p == '\0');
      if (*p == '/' || last)
        {
          char saved = *p;
          *p = '\0';
          if (mkdir (copy, 0700) < 0 && errno != EEXIST)
            return casco_error_set (err, errno, "create state root `%s`", copy);
          *p = saved;
        }
      if (last)
        break;
    }
  return 0;
}

int
state_root_open (const char *root, bool create, int *fd, struct casco_error **err)
{
  if (root[0] != '/')
    return casco_error_set (err, 0, "--root `%s`: must be an absolute path", root);
  if (create && mkdir_parents (root, err) < 0)
    return -1;
  *fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return casco_error_set (err, errno, "open state root `%s`", root);
  return 0;
}

int
state_dir_create (int rootfd, const char *id, int *dirfd, struct casco_error **err)
{
  if (mkdirat (rootfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return casco_error_set_kind (err, CASCO_ERR_EXISTS, 0, "container \"%s\" already exists", id);
      return casco_error_set (err, errno, "create state directory for \"%s\"", id);
    }
  *dirfd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (*dirfd < 0)
    return casco_error_set (err, errno, "open state directory for \"%s\"", id);
  return 0;
}

int
state_error_no_container (struct casco_error **err, const char *id)
{
  casco_error_set_kind (err, CASCO_ERR_NOT_FOUND, 0, "container \"%s\" does not exist", id);
  (*err)->errno_ = ENOENT;
  return -1;
}

int
state_dir_open (int rootfd, const char *id, int *dirfd, struct casco_error **err)
{
  if (!state_id_valid (id))
    return casco_error_set_kind (err, CASCO_ERR_INVALID_ARGUMENT, 0, "invalid container id format \"%s\"", id);
  *dirfd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (*dirfd < 0)
    {
      if (errno == ENOENT)
        return state_error_no_container (err, id);
      return casco_error_set (err, errno, "open state directory for \"%s\"", id);
    }
  return 0;
}

int
state_lock (int dirfd, bool exclusive, struct casco_error **err)
{
  /* flock on the directory fd: released when the fd closes, also on crash. */
  while (flock (dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return casco_error_set (err, errno, "lock state directory");
  return 0;
}

int
state_write (int dirfd, const struct container_state *st, struct casco_error **err)
{
  json_writer *w = jw_new (false);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersion", st->oci_version);
  jw_kv_str (w, "id", st->id);
  jw_kv_int (w, "pid", st->pid);
  jw_key (w, "pidStartTime");
  jw_uint (w, st->pid_start_time);
  jw_kv_str (w, "bundle", st->bundle);
  jw_kv_str (w, "rootfs", st->rootfs);
  jw_kv_str (w, "created", st->created);
  jw_kv_str (w, "owner", st->owner ? st->owner : "");
  jw_kv_bool (w, "ownPidNs", st->own_pid_ns);
  jw_kv_str (w, "cgroupPath", st->cgroup_path ? st->cgroup_path : "");
  jw_key (w, "annotations");
  jw_obj_open (w);
  for (size_t i = 0; i < st->n_annotations; i++)
    jw_kv_str (w, st->annotations[i].key, st->annotations[i].value);
  jw_obj_close (w);
  /* One file, not two: every file created here costs an inode (the
     dearest step of a create on a busy ext4), and start, exec and delete
     read one file instead of two. */
  if (st->config)
    {
      /* which parts of it start and delete need: most configs have none,
         and then they need not parse it */
      static const char *const uses[] = { "poststart", "poststop", "listener" };
      jw_key (w, "configUses");
      jw_arr_open (w);
      for (size_t i = 0; i < ARRAY_SIZE (uses); i++)
        if (st->config_uses & (1u << i))
          jw_str (w, uses[i]);
      jw_arr_close (w);
      jw_kv_str (w, "config", st->config);
    }
  jw_obj_close (w);
  size_t len;
  _cleanup_free_ char *text = jw_finish (w, &len);
  return write_file_atomic_at (dirfd, STATE_FILE_NAME, text, len, 0600, err);
}

static char *
dup_field (const json_node *root, const char *key)
{
  const char *s = json_string (json_get (root, key));
  return xstrdup (s ? s : "");
}

int
state_read (int dirfd, struct container_state *st, struct casco_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (dirfd, STATE_FILE_NAME, &text, &len, err) < 0)
    return -1;
  _cleanup_json_ json_node *root = NULL;
  if (json_parse (text, len, &root, err) < 0)
    return casco_error_wrap (err, "state file corrupt");
  int64_t pid = 0;
  uint64_t start = 0;
  json_int64 (json_get (root, "pid"), &pid);
  json_uint64 (json_get (root, "pidStartTime"), &start);
  /* pid_t is 32 bits: a larger number would wrap to another process (the
     early reader leaves such a state to this one); a negative one reads
     as a container whose init never started */
  if (pid > INT32_MAX)
    return casco_error_set (err, 0, "state file corrupt: pid %" PRId64 " is not a process id", pid);
  st->pid = (pid_t) pid;
  st->pid_start_time = start;
  st->oci_version = dup_field (root, "ociVersion");
  st->id = dup_field (root, "id");
  st->bundle = dup_field (root, "bundle");
  st->rootfs = dup_field (root, "rootfs");
  st->created = dup_field (root, "created");
  st->owner = dup_field (root, "owner");
  st->cgroup_path = dup_field (root, "cgroupPath");
  st->own_pid_ns = json_bool (json_get (root, "ownPidNs"));
  const char *config = json_string (json_get (root, "config"));
  st->config = config ? xstrdup (config) : NULL;
  json_node *uses = json_get (root, "configUses");
  /* absent or not understood: assume the config is needed for everything */
  st->config_uses = json_type_of (uses) == JSON_ARRAY ? 0 : STATE_USES_ALL;
  for (size_t i = 0; i < json_array_len (uses); i++)
    {
      const char *u = json_string (json_array_at (uses, i));
      if (u && strcmp (u, "poststart") == 0)
        st->config_uses |= STATE_USES_POSTSTART;
      else if (u && strcmp (u, "poststop") == 0)
        st->config_uses |= STATE_USES_POSTSTOP;
      else if (u && strcmp (u, "listener") == 0)
        st->config_uses |= STATE_USES_LISTENER;
      else
        st->config_uses = STATE_USES_ALL;
    }
  json_node *ann = json_get (root, "annotations");
  st->n_annotations = json_object_len (ann);
  st->annotations = xmalloc0 ((st->n_annotations + 1) * sizeof *st->annotations);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      const char *v = json_string (json_object_value (ann, i));
      st->annotations[i].key = xstrdup (json_object_key (ann, i));
      st->annotations[i].value = xstrdup (v ? v : "");
    }
  st->status = CONTAINER_STOPPED;
  return 0;
}

uint64_t
proc_start_time (pid_t pid)
{
  return early_proc_start_time (pid);
}

void
state_probe (int dirfd, struct container_state *st)
{
  st->status = CONTAINER_STOPPED;
  /* pid 0: create wrote its first state and has not started the init yet
     (or was killed before it did: delete --force clears that) */
  if (st->pid <= 0)
    {
      st->status = CONTAINER_CREATING;
      return;
    }
  switch (early_probe (dirfd, st->pid, st->pid_start_time))
    {
    case EARLY_GONE: break;
    case EARLY_CREATED: st->status = CONTAINER_CREATED; break;
    case EARLY_CREATING: st->status = CONTAINER_CREATING; break;
    case EARLY_LIVE:
      st->status = st->cgroup_path && st->cgroup_path[0] && cgroup_is_frozen (st->cgroup_path)
                       ? CONTAINER_PAUSED : CONTAINER_RUNNING;
      break;
    }
}

int
state_dir_remove (int rootfd, const char *id, struct casco_error **err)
{
  _cleanup_close_ int dirfd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dirfd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return casco_error_set (err, errno, "open state directory for \"%s\"", id);
    }
  int r = early_unlink_all (dirfd);
  if (r < 0)
    return casco_error_set (err, -r, "read state directory for \"%s\"", id);
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return casco_error_set (err, errno, "remove state directory for \"%s\"", id);
  return 0;
}

char *
state_to_public_json (const struct container_state *st)
{
  json_writer *w = jw_new (true);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersion", st->oci_version);
  jw_kv_str (w, "id", st->id);
  /* runc reports pid 0 once the init is gone */
  jw_kv_int (w, "pid", st->status == CONTAINER_STOPPED || st->status == CONTAINER_CREATING ? 0 : st->pid);
  jw_kv_str (w, "status", container_status_name (st->status));
  jw_kv_str (w, "bundle", st->bundle);
  jw_kv_str (w, "rootfs", st->rootfs);
  jw_kv_str (w, "created", st->created);
  jw_kv_str (w, "owner", st->owner ? st->owner : "");
  spec_write_annotations (w, st->annotations, st->n_annotations);
  jw_obj_close (w);
  return jw_finish (w, NULL);
}

void
container_state_clear (struct container_state *st)
{
  free (st->oci_version);
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->cgroup_path);
  free (st->config);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  memset (st, 0, sizeof *st);
}

char *
rfc3339_at (int64_t sec, long nsec)
{
  /* Days since 1970-01-01 to a civil date, in 400-year eras of 146097
     days counted from 0000-03-01 (March first puts the leap day last).
     Not gmtime_r: glibc loads the local time zone (/etc/localtime) on its
     first call, even for UTC. */
  int64_t days = sec / 86400, rem = sec % 86400;
  if (rem < 0)
    rem += 86400, days--;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                                   /* [0, 146096] */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* [0, 365] */
  int64_t mp = (5 * doy + 2) / 153;                                  /* March = 0 */
  int day = (int) (doy - (153 * mp + 2) / 5 + 1);
  int month = (int) (mp < 10 ? mp + 3 : mp - 9);
  int64_t year = yoe + era * 400 + (month <= 2);
  return xasprintf ("%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%09ldZ", year, month, day,
                    (int) (rem / 3600), (int) (rem / 60 % 60), (int) (rem % 60), nsec);
}

char *
rfc3339_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return rfc3339_at (ts.tv_sec, ts.tv_nsec);
}

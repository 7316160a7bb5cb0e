/* Creating a container's cgroup (mkdir along the path enabling
   controllers, the limits written, the device filter attached, undone on
   failure) and updating the limits of an existing one (`update`).

   Every file of a cgroup is reached with *at() calls relative to a dirfd
   of that cgroup, opened beneath the cgroup2 mount without following
   symlinks: a cgroupsPath or a unified key can never name a file outside
   the container's own cgroup. */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_bpf.h"
#include "cgroup_internal.h"

/* Controllers casco enables for its cgroups (those the host offers). */
static const char *const wanted_controllers[] = {
  "memory", "pids", "cpu", "cpuset", "io", "hugetlb", "rdma", "misc",
};

/* "memory.max" -> "memory". */
static char *
controller_of (const char *file)
{
  return xstrndup (file, strcspn (file, "."));
}

/* Apply the writes to the cgroup at dirfd.  controllers: its cgroup.controllers. */
static int
apply_writes (int dirfd, const struct cgroup_write *w, size_t n, const char *controllers,
              struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct cgroup_write *x = &w[i];
      _cleanup_free_ char *ctrl = controller_of (x->file);
      bool unified = strncmp (x->jpath, "linux.resources.unified", 23) == 0;
      if (unified && cgroup_unified_key_check (x->file, controllers, err) < 0)
        return -1;
      if (cgroup_write_at (dirfd, x->file, x->value) == 0)
        continue;
      int saved = errno;
      if (saved == ENOENT && x->alt_file && cgroup_write_at (dirfd, x->alt_file, x->alt_value) == 0)
        continue;
      if (x->soft)
        {
          casco_debug ("%s: write \"%s\" to %s: %s (retried below)", x->jpath, x->value, x->file,
                       strerror (saved));
          continue;
        }
      if (saved == ENOENT && x->enoent_ok)
        continue;
      if (saved == ENOENT && strcmp (ctrl, "cgroup") != 0 && !cgroup_has_word (controllers, ctrl))
        return casco_error_config (err, x->jpath, "the %s controller is not available to this cgroup (the "
                                                  "kernel or a parent cgroup does not offer it)", ctrl);
      if (saved == ENOENT)
        return casco_error_config (err, x->jpath, "%s does not exist on this kernel%s", x->file,
                                   strncmp (x->file, "hugetlb.", 8) == 0 ? ": page size not supported" : "");
      casco_error_set (err, saved, "write \"%s\" to %s", x->value, x->file);
      return cgroup_with_path (err, x->jpath);
    }
  return 0;
}

/* ---- create ---------------------------------------------------------------------------- */

/* Enable, in the cgroup at dirfd, every wanted controller it offers; a
   needed one that fails is an error, others are merely logged. */
static int
enable_controllers (int dirfd, const char *where, const char *needed, struct casco_error **err)
{
  _cleanup_free_ char *available = cgroup_read_at (dirfd, "cgroup.controllers");
  _cleanup_free_ char *enabled = cgroup_read_at (dirfd, "cgroup.subtree_control");
  if (available == NULL || enabled == NULL)
    return casco_error_set (err, errno, "read the controllers of cgroup `%s`", where);
  for (size_t i = 0; i < ARRAY_SIZE (wanted_controllers); i++)
    {
      const char *c = wanted_controllers[i];
      if (!cgroup_has_word (available, c) || cgroup_has_word (enabled, c))
        continue;
      _cleanup_free_ char *word = xasprintf ("+%s", c);
      if (cgroup_write_at (dirfd, "cgroup.subtree_control", word) == 0)
        continue;
      int saved = errno;
      if (!cgroup_has_word (needed, c))
        {
          casco_debug ("cgroup `%s`: enable %s: %s (not needed)", where, c, strerror (saved));
          continue;
        }
      /* v2's no-internal-process rule: a cgroup with processes of its own
         cannot hand controllers to children. */
      if (saved == EBUSY)
        return casco_error_set (err, saved, "enable the %s controller in cgroup `%s`: it has processes of its "
                                            "own, and cgroup v2 forbids controllers below such a cgroup; use a "
                                            "linux.cgroupsPath whose parents hold no processes", c, where);
      return casco_error_set (err, saved, "enable the %s controller in cgroup `%s`", c, where);
    }
  return 0;
}

/* Does the cgroup (or any below it) hold a process? */
bool
cgroup_populated (int dirfd)
{
  _cleanup_free_ char *events = cgroup_read_at (dirfd, "cgroup.events");
  uint64_t v = 0;
  if (events && cgroup_parse_keyed (events, "populated", &v) == 0)
    return v != 0;
  _cleanup_free_ char *procs = cgroup_read_at (dirfd, "cgroup.procs");
  return procs && procs[strspn (procs, " \n")] != '\0';
}

/* The controllers the writes and the unified keys need. */
static char *
needed_controllers (const struct cgroup_write *w, size_t n)
{
  size_t cap = 1;
  for (size_t i = 0; i < n; i++)
    cap += strlen (w[i].file) + 1;
  char *out = xmalloc0 (cap);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *c = controller_of (w[i].file);
      if (!cgroup_has_word (out, c))
        {
          strcat (out, c);
          strcat (out, " ");
        }
    }
  return out;
}

struct created
{
  int fds[64];          /* parent dirfd of each directory we made */
  char *names[64];
  size_t n;
};

static void
created_rollback (struct created *c)
{
  /* Deepest first: a parent is empty only once its child is gone. */
  while (c->n > 0)
    {
      c->n--;
      if (unlinkat (c->fds[c->n], c->names[c->n], AT_REMOVEDIR) < 0)
        casco_warn ("remove cgroup directory `%s` after a failed create: %s", c->names[c->n], strerror (errno));
      close (c->fds[c->n]);
      free (c->names[c->n]);
    }
}

static void
created_release (struct created *c)
{
  for (size_t i = 0; i < c->n; i++)
    {
      close (c->fds[i]);
      free (c->names[i]);
    }
  c->n = 0;
}

/* mkdir along the path, enabling controllers in each ancestor; leaves the
   leaf's dirfd in *leaf. */
static int
make_path (int mfd, const char *path, const char *needed, struct created *made, int *leaf,
           struct casco_error **err)
{
  _cleanup_close_ int cur = fcntl (mfd, F_DUPFD_CLOEXEC, 0);
  if (cur < 0)
    return casco_error_set (err, errno, "dup");
  _cleanup_free_ char *copy = xstrdup (path + strspn (path, "/"));
  _cleanup_free_ char *so_far = xstrdup ("");
  char *save = NULL;
  bool made_leaf = false;
  for (char *comp = strtok_r (copy, "/", &save); comp; comp = strtok_r (NULL, "/", &save))
    {
      if (enable_controllers (cur, *so_far ? so_far : "/", needed, err) < 0)
        return -1;
      char *next_so_far = xasprintf ("%s/%s", so_far, comp);
      free (so_far);
      so_far = next_so_far;
      bool made_it = mkdirat (cur, comp, 0755) == 0;
      made_leaf = made_it;
      if (!made_it && errno != EEXIST)
        {
          int saved = errno;
          if (saved == EACCES || saved == EPERM || saved == EROFS)
            return casco_error_set (err, saved, "create cgroup `%s` (casco needs root, or a writable, "
                                                "delegated cgroup subtree)", so_far);
          return casco_error_set (err, saved, "create cgroup `%s`", so_far);
        }
      if (made_it)
        {
          if (made->n == ARRAY_SIZE (made->fds))
            {
              unlinkat (cur, comp, AT_REMOVEDIR);
              return casco_error_set (err, 0, "cgroup path `%s` is too deep", path);
            }
          made->fds[made->n] = fcntl (cur, F_DUPFD_CLOEXEC, 0);
          made->names[made->n] = xstrdup (comp);
          if (made->fds[made->n] < 0)
            {
              int saved = errno;
              free (made->names[made->n]);
              unlinkat (cur, comp, AT_REMOVEDIR);
              return casco_error_set (err, saved, "dup");
            }
          made->n++;
        }
      int next = openat (cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (next < 0)
        return casco_error_set (err, errno, "open cgroup `%s`", so_far);
      closep (&cur);
      cur = next;
    }
  /* The leaf was there already: reuse it only when nothing runs in it. */
  if (!made_leaf && cgroup_populated (cur))
    return casco_error_set (err, 0, "cgroup `%s` is already in use: it holds processes (another "
                                        "container with the same linux.cgroupsPath?)", path);
  /* Claimed before anything is written or any process joins; a kernel
     without xattrs on cgroupfs just gets no protection. */
  if (fsetxattr (cur, OWNER_XATTR, path, strlen (path), 0) < 0)
    casco_debug ("cgroup `%s`: set %s: %s", path, OWNER_XATTR, strerror (errno));
  *leaf = steal_fd (&cur);
  return 0;
}

static int
install_devices (int leaf, const struct cgroup_plan *p, const struct spec_resources *r,
                 struct casco_error **err)
{
  _cleanup_free_ struct cgroup_dev_rule *rules = NULL;
  _cleanup_free_ struct bpf_insn *insns = NULL;
  size_t n_rules, n_insns;
  if (cgroup_dev_rules_build (r ? r->devices : NULL, r ? r->n_devices : 0, p->devices, p->n_devices, &rules,
                              &n_rules, err) < 0
      || cgroup_bpf_compile (rules, n_rules, &insns, &n_insns, err) < 0)
    return -1;
  return cgroup_bpf_install (leaf, insns, n_insns, err);
}

/* The kernel charges a cgroup's memory in batches of 64 pages
   (MEMCG_CHARGE_BATCH) and keeps what a CPU charged but did not use yet as
   that CPU's stock.  With a limit of 64 to 127 pages the container's first
   charge can take the whole limit into one CPU's stock; a charge on another
   CPU then finds the cgroup full, and the drain of the stock, queued to run
   on its CPU, can lose against 16 quick reclaim passes and the OOM killer
   (measured in the VM under load: `sleep` OOM-killed at exec in 1 start of
   40 at 256 KiB with 150 KiB really in use; memory.events counted "max"
   in half of the others).  The kernel stocks only while usage + one batch
   fits under memory.max.  So such a limit starts one page below the batch,
   where nothing is stocked, and the real value is written once the init is
   ready: its own charges then keep usage + batch above it. */
int64_t
cgroup_memory_max_during_setup (const struct spec_resources *r, long page_size)
{
  int64_t batch = 64 * (int64_t) page_size;
  if (r == NULL || !r->has_memory || !r->memory.has_limit || page_size <= 0)
    return 0;
  int64_t limit = r->memory.limit;
  return limit >= batch && limit < 2 * batch ? batch - page_size : 0;
}

static int
write_memory_max (int dirfd, const char *path, int64_t value, struct casco_error **err)
{
  char text[24];
  snprintf (text, sizeof text, "%" PRId64, value);
  if (cgroup_write_at (dirfd, "memory.max", text) == 0)
    return 0;
  casco_error_set (err, errno, "cgroup `%s`: write %s to memory.max", path, text);
  return cgroup_with_path (err, "linux.resources.memory.limit");
}

int
cgroup_setup_done (int fd, const char *path, const struct spec_resources *r, struct casco_error **err)
{
  if (fd < 0 || cgroup_memory_max_during_setup (r, sysconf (_SC_PAGESIZE)) == 0)
    return 0;
  return write_memory_max (fd, path, r->memory.limit, err);
}

static int
create_steps (int mfd, const struct cgroup_plan *p, const struct spec_resources *r,
              const struct cgroup_write *w, size_t n, struct created *made, int *fd,
              struct casco_error **err)
{
  _cleanup_free_ char *needed = needed_controllers (w, n);
  _cleanup_close_ int leaf = -1;
  if (make_path (mfd, p->path, needed, made, &leaf, err) < 0)
    return -1;
  _cleanup_free_ char *controllers = cgroup_read_at (leaf, "cgroup.controllers");
  if (controllers == NULL)
    return casco_error_set (err, errno, "read `%s/cgroup.controllers`", p->path);
  if (apply_writes (leaf, w, n, controllers, err) < 0 || install_devices (leaf, p, r, err) < 0)
    return casco_error_wrap (err, "cgroup `%s`", p->path);
  int64_t setup_max = cgroup_memory_max_during_setup (r, sysconf (_SC_PAGESIZE));
  if (setup_max > 0 && write_memory_max (leaf, p->path, setup_max, err) < 0)
    return -1;
  if (casco_explain_enabled)
    {
      _cleanup_free_ char *limits = xstrdup ("");
      for (size_t i = 0; i < n; i++)
        {
          char *longer = xasprintf ("%s %s=%s", limits, w[i].file, w[i].value);
          free (limits);
          limits = longer;
        }
      casco_explain_line (EXPLAIN_D07, "cgroup: %s created with controllers \"%.*s\"; limits:%s; device "
                          "filter: %zu allowed device rules; the init is cloned straight into it",
                          p->path, (int) strcspn (controllers, "\n"), controllers, n ? limits : " none",
                          p->n_devices);
    }
  *fd = steal_fd (&leaf);
  return 0;
}

int
cgroup_create (const struct cgroup_plan *p, const struct spec_resources *r, int *fd,
               struct casco_error **err)
{
  *fd = -1;
  if (!p->use)
    return 0;
  static const struct spec_resources none = { 0 };
  if (r == NULL)
    r = &none;
  /* Every value is checked before anything exists. */
  struct cgroup_write *w = NULL;
  size_t n = 0;
  if (cgroup_resources_writes (r, &w, &n, err) < 0)
    return -1;
  _cleanup_close_ int mfd = -1;
  struct created made = { .n = 0 };
  int ret = cgroup_open_mount (&mfd, err);
  if (ret == 0)
    ret = create_steps (mfd, p, r, w, n, &made, fd, err);
  if (ret < 0)
    created_rollback (&made);
  else
    created_release (&made);
  cgroup_writes_free (w, n);
  return ret;
}

/* ---- update ---------------------------------------------------------------------------- */

/* checkBeforeUpdate: refuse a memory limit below what is in use now, rather
   than have the kernel reclaim or OOM-kill to get there. */
static int
check_memory_usage (int dirfd, const struct spec_memory *m, struct casco_error **err)
{
  uint64_t cur = 0, swap_cur = 0;
  if (cgroup_read_u64_at (dirfd, "memory.current", &cur) < 0)
    return 0;   /* no memory controller: nothing to compare */
  if (m->has_limit && m->limit > 0 && (uint64_t) m->limit < cur)
    return casco_error_config (err, "linux.resources.memory.limit",
                               "%" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
                               m->limit, cur);
  if (m->has_swap && m->swap > 0 && cgroup_read_u64_at (dirfd, "memory.swap.current", &swap_cur) == 0
      && (uint64_t) m->swap < cur + swap_cur)
    return casco_error_config (err, "linux.resources.memory.swap",
                               "%" PRId64 " is below the current memory+swap usage %" PRIu64
                               " (checkBeforeUpdate)", m->swap, cur + swap_cur);
  return 0;
}

int
cgroup_update (const char *path, const struct spec_resources *r, struct casco_error **err)
{
  struct cgroup_write *w = NULL;
  size_t n = 0;
  if (cgroup_resources_writes (r, &w, &n, err) < 0)
    return -1;
  _cleanup_close_ int fd = -1;
  int ret = cgroup_open (path, &fd, err);
  if (ret == 0 && r->n_devices)
    casco_warn ("linux.resources.devices: not changed by update: the device filter stays as created");
  if (ret == 0 && r->has_memory && r->memory.has_check_before_update && r->memory.check_before_update)
    ret = check_memory_usage (fd, &r->memory, err);
  if (ret == 0)
    {
      _cleanup_free_ char *controllers = cgroup_read_at (fd, "cgroup.controllers");
      ret = apply_writes (fd, w, n, controllers ? controllers : "", err);
      if (ret < 0)
        casco_error_wrap (err, "update cgroup `%s`", path);
    }
  cgroup_writes_free (w, n);
  return ret;
}

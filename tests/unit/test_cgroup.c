/* cgroup v2 pure logic: runc's conversions, finding cgroup2 in mountinfo,
   the plan decision, cgroupsPath and unified-key validation, resources ->
   file writes, stats parsing, and the device filter (run through a small
   BPF interpreter, so the tests check what the program decides, not only
   how it looks). */
#include <stdlib.h>
#include <linux/bpf.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_bpf.h"
#include "unit.h"

/* ---- conversions ---------------------------------------------------------- */

static void
test_cpu_shares_to_weight (void)
{
  CHECK (cgroup_cpu_shares_to_weight (0) == 0);        /* unset stays unset */
  CHECK (cgroup_cpu_shares_to_weight (2) == 1);
  CHECK (cgroup_cpu_shares_to_weight (1024) == 39);    /* v1's default -> ~v2's 100 scale as runc */
  CHECK (cgroup_cpu_shares_to_weight (262144) == 10000);
  CHECK (cgroup_cpu_shares_to_weight (1) == 1);        /* clamped like the kernel, no underflow */
  CHECK (cgroup_cpu_shares_to_weight (1000000) == 10000);
}

static void
test_blkio_weight_to_io_weight (void)
{
  CHECK (cgroup_blkio_weight_to_io_weight (0) == 0);
  CHECK (cgroup_blkio_weight_to_io_weight (10) == 1);
  CHECK (cgroup_blkio_weight_to_io_weight (500) == 4950);
  CHECK (cgroup_blkio_weight_to_io_weight (1000) == 10000);
  CHECK (cgroup_blkio_weight_to_io_weight (5) == 1);
}

static void
test_swap_conversion (void)
{
  struct casco_error *err = NULL;
  int64_t v = 42;
  CHECK (cgroup_swap_to_v2 (0, -1, &v, &err) == 0 && v == -1);     /* unlimited memory: unlimited swap */
  CHECK (cgroup_swap_to_v2 (-1, 100, &v, &err) == 0 && v == -1);
  CHECK (cgroup_swap_to_v2 (0, 100, &v, &err) == 0 && v == 0);
  CHECK (cgroup_swap_to_v2 (300, 100, &v, &err) == 0 && v == 200);  /* memory+swap - memory */
  CHECK (cgroup_swap_to_v2 (100, 100, &v, &err) == 0 && v == 0);
  CHECK (cgroup_swap_to_v2 (300, -1, &v, &err) == 0 && v == 300);
  CHECK (err == NULL);

  CHECK (cgroup_swap_to_v2 (50, 100, &v, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.memory.swap") == 0);
  CHECK_CONTAINS (err ? err->msg : NULL, "memory+swap");
  casco_error_freep (&err);
  CHECK (cgroup_swap_to_v2 (300, 0, &v, &err) == -1);
  CHECK_CONTAINS (err ? err->msg : NULL, "needs a memory limit");
  casco_error_freep (&err);
  CHECK (cgroup_swap_to_v2 (-5, 100, &v, &err) == -1);
  casco_error_freep (&err);
}

/* ---- finding cgroup v2 ------------------------------------------------------ */

static const char mi_unified[] =
  "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
  "25 28 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
  "26 25 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 "
  "rw,nsdelegate,memory_recursiveprot\n";

/* Debian 10 style hybrid: v2 only for systemd's bookkeeping. */
static const char mi_hybrid[] =
  "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
  "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw\n"
  "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd\n"
  "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
  "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n";

static void
test_mountinfo_unified (void)
{
  char *mp = NULL;
  bool v1 = true;
  cgroup_parse_mountinfo (mi_unified, &mp, &v1);
  CHECK_STR (mp, "/sys/fs/cgroup");
  CHECK (!v1);
  free (mp);
}

static void
test_mountinfo_hybrid (void)
{
  char *mp = NULL;
  bool v1 = false;
  cgroup_parse_mountinfo (mi_hybrid, &mp, &v1);
  CHECK_STR (mp, "/sys/fs/cgroup/unified");
  CHECK (v1);   /* memory and cpu live in v1: the v2 mount can limit nothing useful */
  free (mp);
}

static void
test_mountinfo_name_only_v1 (void)
{
  /* A name=systemd v1 hierarchy binds no controller: still a v2 host. */
  static const char text[] =
    "26 25 0:24 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n"
    "40 25 0:40 / /run/cgmanager/fs/systemd rw - cgroup systemd rw,name=systemd\n";
  char *mp = NULL;
  bool v1 = true;
  cgroup_parse_mountinfo (text, &mp, &v1);
  CHECK_STR (mp, "/sys/fs/cgroup");
  CHECK (!v1);
  free (mp);
}

static void
test_mountinfo_choice_and_escapes (void)
{
  /* A bind mount of a subtree (root != "/") cannot map paths: skipped.
     /sys/fs/cgroup wins over another full mount; octal escapes decoded. */
  static const char text[] =
    "50 25 0:24 /casco/x /mnt/sub rw - cgroup2 cgroup2 rw\n"
    "51 25 0:24 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n"
    "52 25 0:24 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  char *mp = NULL;
  bool v1 = true;
  cgroup_parse_mountinfo (text, &mp, &v1);
  CHECK_STR (mp, "/sys/fs/cgroup");
  free (mp);
  cgroup_parse_mountinfo ("50 25 0:24 /casco/x /mnt/sub rw - cgroup2 cgroup2 rw\n"
                          "51 25 0:24 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n", &mp, &v1);
  CHECK_STR (mp, "/mnt/my cg");
  free (mp);
  cgroup_parse_mountinfo ("22 28 0:21 / /proc rw - proc proc rw\n", &mp, &v1);
  CHECK (mp == NULL && !v1);
  /* optional fields before the separator, and no trailing newline */
  cgroup_parse_mountinfo ("26 25 0:24 / /sys/fs/cgroup rw shared:8 master:1 - cgroup2 none rw", &mp, &v1);
  CHECK_STR (mp, "/sys/fs/cgroup");
  free (mp);
}

/* ---- cgroupsPath ------------------------------------------------------------- */

static void
path_ok (const char *in, const char *want)
{
  char *out = NULL;
  struct casco_error *err = NULL;
  CHECK (cgroup_resolve_path (in, "ctr1", &out, &err) == 0);
  CHECK_STR (out, want);
  CHECK (err == NULL);
  free (out);
  casco_error_free (err);
}

static void
path_bad (const char *in, const char *needle)
{
  char *out = NULL;
  struct casco_error *err = NULL;
  CHECK (cgroup_resolve_path (in, "ctr1", &out, &err) == -1);
  CHECK (out == NULL);
  CHECK (err && err->json_path && strcmp (err->json_path, "linux.cgroupsPath") == 0);
  CHECK_CONTAINS (err ? err->msg : NULL, needle);
  casco_error_free (err);
}

static void
test_cgroups_path (void)
{
  path_ok (NULL, "/casco/ctr1");
  path_ok ("", "/casco/ctr1");
  path_ok ("/a/b", "/a/b");
  path_ok ("a/b", "/casco/a/b");
  path_ok ("/machine.slice/x:y", "/machine.slice/x:y");   /* colons with a '/' are a plain path */
  path_bad ("/a/../b", "'..'");
  path_bad ("..", "'..'");
  path_bad ("/a/./b", "'.'");
  path_bad ("/a//b", "empty component");
  path_bad ("/a/b/", "empty component");
  path_bad ("/", "root cgroup");
  path_bad ("/a/b\nc", "control character");
  path_bad ("/a\x7f", "control character");
  path_bad ("system.slice:docker:abc", "--systemd-cgroup");
}

/* ---- the plan ------------------------------------------------------------------- */

static void
test_first_limit (void)
{
  struct spec_resources r = { 0 };
  CHECK (cgroup_first_limit (NULL) == NULL);
  CHECK (cgroup_first_limit (&r) == NULL);
  /* What docker sends with no limits: zeros everywhere. */
  r.present = true;
  r.has_cpu = r.cpu.has_shares = true;
  r.has_block_io = r.block_io.has_weight = true;
  r.has_pids = true;
  r.pids_limit = 0;
  r.has_memory = r.memory.has_limit = r.memory.has_swap = true;
  CHECK (cgroup_first_limit (&r) == NULL);
  r.pids_limit = -1;
  CHECK (cgroup_first_limit (&r) == NULL);
  struct spec_device_cgroup deny_all = { .allow = false, .type = 'a' };
  r.devices = &deny_all;
  r.n_devices = 1;
  CHECK (cgroup_first_limit (&r) == NULL);   /* device rules are not limits */
  r.memory.limit = 33554432;
  CHECK_STR (cgroup_first_limit (&r), "linux.resources.memory.limit");
  r.memory.limit = 0;
  r.pids_limit = 10;
  CHECK_STR (cgroup_first_limit (&r), "linux.resources.pids.limit");
  r.pids_limit = 0;
  r.cpu.cpus = (char *) "0";
  CHECK_STR (cgroup_first_limit (&r), "linux.resources.cpu.cpus");
}

static void
test_plan_decide (void)
{
  struct spec_linux lin = { 0 };
  struct spec s = { .linux_ = &lin };
  struct cgroup_plan p;
  struct casco_error *err = NULL;

  /* no limits, no v2: no cgroup, no error */
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_CGROUPFS, false, "hybrid", &p, &err) == 0);
  CHECK (!p.use && p.path == NULL);

  /* v2: a cgroup at the default path */
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_CGROUPFS, true, NULL, &p, &err) == 0);
  CHECK (p.use);
  CHECK_STR (p.path, "/casco/c1");
  cgroup_plan_clear (&p);

  /* limits on a v1/hybrid host: refused, saying what to do */
  lin.resources.present = lin.resources.has_memory = lin.resources.memory.has_limit = true;
  lin.resources.memory.limit = 1 << 25;
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_CGROUPFS, false,
                             "this host has cgroup v1/hybrid: the cgroup2 mount at /sys/fs/cgroup/unified has "
                             "no controllers", &p, &err) == -1);
  CHECK (!p.use);
  CHECK (err && err->json_path && strcmp (err->json_path, "linux.resources.memory.limit") == 0);
  CHECK_CONTAINS (err ? err->msg : NULL, "cgroup v2 is required");
  CHECK_CONTAINS (err ? err->msg : NULL, "v1/hybrid");
  CHECK_CONTAINS (err ? err->msg : NULL, "--cgroup-manager disabled");
  casco_error_freep (&err);

  /* manager disabled: never a cgroup, even with limits (warned) */
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_DISABLED, true, NULL, &p, &err) == 0);
  CHECK (!p.use && err == NULL);
  /* ...and the path is not even looked at */
  lin.cgroups_path = (char *) "system.slice:docker:x";
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_DISABLED, false, NULL, &p, &err) == 0);

  /* a bad path is an error before the host matters */
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_CGROUPFS, true, NULL, &p, &err) == -1);
  CHECK_CONTAINS (err ? err->msg : NULL, "systemd");
  casco_error_freep (&err);

  /* linux.devices become allow rules of the plan (fifos skipped) */
  struct spec_device devs[] = {
    { .path = (char *) "/dev/fuse", .type = 'c', .major = 10, .minor = 229 },
    { .path = (char *) "/dev/fifo", .type = 'p' },
    { .path = (char *) "/dev/sda", .type = 'b', .major = 8, .minor = 0 },
  };
  lin.devices = devs;
  lin.n_devices = 3;
  lin.cgroups_path = (char *) "k8s/pod1";
  CHECK (cgroup_plan_decide (&s, "c1", CGROUP_MANAGER_CGROUPFS, true, NULL, &p, &err) == 0);
  CHECK_STR (p.path, "/casco/k8s/pod1");
  CHECK (p.n_devices == 2);
  if (p.n_devices == 2)
    {
      CHECK (p.devices[0].allow && p.devices[0].type == 'c' && p.devices[0].major == 10
             && p.devices[0].minor == 229);
      CHECK (p.devices[1].type == 'b' && p.devices[1].major == 8);
    }
  cgroup_plan_clear (&p);
}

/* ---- resources -> writes ------------------------------------------------------- */

/* The value written to file (the n-th write to it, 0-based), NULL when none. */
static const struct cgroup_write *
find_write (const struct cgroup_write *w, size_t n, const char *file, int nth)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (w[i].file, file) == 0 && nth-- == 0)
      return &w[i];
  return NULL;
}

static const char *
value_of (const struct cgroup_write *w, size_t n, const char *file, int nth)
{
  const struct cgroup_write *x = find_write (w, n, file, nth);
  return x ? x->value : NULL;
}

/* Limits of 64..127 pages start one page below the kernel's charge batch
   while the container sets itself up; others are written as they are. */
static void
test_memory_max_during_setup (void)
{
  struct spec_resources r = { .present = true, .has_memory = true };
  r.memory.has_limit = true;
  r.memory.limit = 262144;                                            /* 64 pages */
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 258048);
  r.memory.limit = 524287;                                            /* just under 128 */
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 258048);
  r.memory.limit = 524288;
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 0);
  r.memory.limit = 258048;                                            /* below the batch */
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 0);
  r.memory.limit = -1;
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 0);
  r.memory.limit = 64 * 65536;                                        /* 64 KiB pages */
  CHECK (cgroup_memory_max_during_setup (&r, 65536) == 63 * 65536);
  r.memory.has_limit = false;
  r.memory.limit = 262144;
  CHECK (cgroup_memory_max_during_setup (&r, 4096) == 0);
  CHECK (cgroup_memory_max_during_setup (NULL, 4096) == 0);
}

static void
test_writes_memory (void)
{
  struct spec_resources r = { .present = true, .has_memory = true };
  r.memory.has_limit = r.memory.has_swap = r.memory.has_reservation = true;
  r.memory.limit = 32 << 20;
  r.memory.swap = 64 << 20;
  r.memory.reservation = 16 << 20;
  struct cgroup_write *w;
  size_t n;
  struct casco_error *err = NULL;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "memory.max", 0), "33554432");
  CHECK_STR (value_of (w, n, "memory.swap.max", 0), "33554432");   /* 64M total - 32M memory */
  CHECK_STR (value_of (w, n, "memory.low", 0), "16777216");
  CHECK (n == 3);
  cgroup_writes_free (w, n);

  /* swap == limit: no swap at all; -1 limit: max for both */
  r.memory.swap = 32 << 20;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "memory.swap.max", 0), "0");
  CHECK (find_write (w, n, "memory.swap.max", 0)->enoent_ok);
  cgroup_writes_free (w, n);
  r.memory.limit = -1;
  r.memory.has_swap = false;
  r.memory.reservation = 0;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "memory.max", 0), "max");
  CHECK_STR (value_of (w, n, "memory.swap.max", 0), "max");
  CHECK (find_write (w, n, "memory.low", 0) == NULL);   /* 0 is unset */
  cgroup_writes_free (w, n);

  r.memory.limit = -2;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.memory.limit") == 0);
  casco_error_freep (&err);
}

static void
test_writes_cpu (void)
{
  struct spec_resources r = { .present = true, .has_cpu = true };
  r.cpu.has_shares = r.cpu.has_quota = r.cpu.has_period = true;
  r.cpu.shares = 1024;
  r.cpu.quota = 20000;
  r.cpu.period = 100000;
  r.cpu.cpus = (char *) "0";
  r.cpu.mems = (char *) "0";
  struct cgroup_write *w;
  size_t n;
  struct casco_error *err = NULL;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "cpu.weight", 0), "39");
  CHECK_STR (value_of (w, n, "cpu.max", 0), "20000 100000");
  CHECK_STR (value_of (w, n, "cpuset.cpus", 0), "0");
  CHECK_STR (value_of (w, n, "cpuset.mems", 0), "0");
  cgroup_writes_free (w, n);

  /* no quota: "max PERIOD"; quota alone keeps the kernel's period */
  r.cpu.quota = -1;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "cpu.max", 0), "max 100000");
  cgroup_writes_free (w, n);
  r.cpu.quota = 50000;
  r.cpu.has_period = false;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "cpu.max", 0), "50000");
  cgroup_writes_free (w, n);

  /* burst: tried before cpu.max (soft) and set after it */
  r.cpu.has_burst = true;
  r.cpu.burst = 10000;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  const struct cgroup_write *b0 = find_write (w, n, "cpu.max.burst", 0);
  const struct cgroup_write *b1 = find_write (w, n, "cpu.max.burst", 1);
  CHECK (b0 && b0->soft && b1 && !b1->soft);
  CHECK (b0 < find_write (w, n, "cpu.max", 0) && find_write (w, n, "cpu.max", 0) < b1);
  cgroup_writes_free (w, n);

  /* idle after the weight */
  r.cpu.has_idle = true;
  r.cpu.idle = 1;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK (find_write (w, n, "cpu.weight", 0) < find_write (w, n, "cpu.idle", 0));
  cgroup_writes_free (w, n);

  /* shares 0 (docker's "unset") writes nothing */
  struct spec_resources z = { .present = true, .has_cpu = true };
  z.cpu.has_shares = true;
  CHECK (cgroup_resources_writes (&z, &w, &n, &err) == 0 && n == 0);
  cgroup_writes_free (w, n);

  r.cpu.has_realtime_runtime = true;
  r.cpu.realtime_runtime = 950000;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.cpu.realtimeRuntime") == 0);
  CHECK_CONTAINS (err ? err->msg : NULL, "cgroup v2");
  casco_error_freep (&err);
  r.cpu.has_realtime_runtime = false;
  r.cpu.quota = 500;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.cpu.quota") == 0);
  casco_error_freep (&err);
  r.cpu.quota = 50000;
  r.cpu.has_period = true;
  r.cpu.period = 5000000;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.cpu.period") == 0);
  casco_error_freep (&err);
}

static void
test_writes_pids (void)
{
  struct spec_resources r = { .present = true, .has_pids = true, .pids_limit = 10 };
  struct cgroup_write *w;
  size_t n;
  struct casco_error *err = NULL;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "pids.max", 0), "10");
  cgroup_writes_free (w, n);
  r.pids_limit = 0;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "pids.max", 0), "max");
  cgroup_writes_free (w, n);
  r.pids_limit = -1;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "pids.max", 0), "max");
  cgroup_writes_free (w, n);
}

static void
test_writes_block_io (void)
{
  struct spec_weight_device wd[] = { { .major = 8, .minor = 0, .has_weight = true, .weight = 1000 } };
  struct spec_throttle_device rbps[] = { { 8, 0, 1048576 } };
  struct spec_throttle_device wiops[] = { { 8, 16, 0 } };
  struct spec_resources r = { .present = true, .has_block_io = true };
  r.block_io.has_weight = true;
  r.block_io.weight = 500;
  r.block_io.weight_device = wd;
  r.block_io.n_weight_device = 1;
  r.block_io.throttle_read_bps = rbps;
  r.block_io.n_throttle_read_bps = 1;
  r.block_io.throttle_write_iops = wiops;
  r.block_io.n_throttle_write_iops = 1;
  struct cgroup_write *w;
  size_t n;
  struct casco_error *err = NULL;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  const struct cgroup_write *x = find_write (w, n, "io.weight", 0);
  CHECK_STR (x ? x->value : NULL, "default 4950");
  CHECK_STR (x ? x->alt_file : NULL, "io.bfq.weight");
  CHECK_STR (x ? x->alt_value : NULL, "500");
  CHECK_STR (value_of (w, n, "io.weight", 1), "8:0 10000");
  CHECK_STR (value_of (w, n, "io.max", 0), "8:0 rbps=1048576");
  CHECK_STR (value_of (w, n, "io.max", 1), "8:16 wiops=max");   /* 0 was v1's "no limit" */
  CHECK_STR (find_write (w, n, "io.max", 0)->jpath, "linux.resources.blockIO.throttleReadBpsDevice[0]");
  cgroup_writes_free (w, n);

  r.block_io.weight = 5;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.blockIO.weight") == 0);
  casco_error_freep (&err);
  r.block_io.weight = 0;   /* docker's unset */
  rbps[0].major = -3;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.blockIO.throttleReadBpsDevice[0]") == 0);
  casco_error_freep (&err);
}

static void
test_writes_hugetlb_rdma_unified (void)
{
  struct spec_hugepage_limit hp[] = { { (char *) "2MB", 4194304 } };
  struct spec_rdma_limit rd[] = {
    { (char *) "mlx5_0", true, false, 3, 0 },
    { (char *) "mlx5_1", true, true, 3, 10 },
  };
  struct spec_kv un[] = { { (char *) "memory.high", (char *) "30000000" },
                          { (char *) "cgroup.max.depth", (char *) "2" } };
  struct spec_resources r = { .present = true, .hugepage_limits = hp, .n_hugepage_limits = 1, .rdma = rd,
                              .n_rdma = 2, .unified = un, .n_unified = 2 };
  struct cgroup_write *w;
  size_t n;
  struct casco_error *err = NULL;
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == 0);
  CHECK_STR (value_of (w, n, "hugetlb.2MB.max", 0), "4194304");
  CHECK_STR (value_of (w, n, "rdma.max", 0), "mlx5_0 hca_handle=3");
  CHECK_STR (value_of (w, n, "rdma.max", 1), "mlx5_1 hca_handle=3 hca_object=10");
  CHECK_STR (value_of (w, n, "memory.high", 0), "30000000");
  CHECK_STR (find_write (w, n, "memory.high", 0)->jpath, "linux.resources.unified[\"memory.high\"]");
  CHECK (find_write (w, n, "memory.high", 0) == &w[n - 2]);   /* unified last: it overrides */
  cgroup_writes_free (w, n);

  un[1].key = (char *) "cgroup.procs";
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.resources.unified[\"cgroup.procs\"]") == 0);
  casco_error_freep (&err);
  un[1].key = (char *) "../../memory.max";
  CHECK (cgroup_resources_writes (&r, &w, &n, &err) == -1);
  CHECK_CONTAINS (err ? err->msg : NULL, "not a cgroup file name");
  casco_error_freep (&err);
}

static void
test_unified_key_check (void)
{
  struct casco_error *err = NULL;
  const char *ctrls = "cpuset cpu io memory hugetlb pids rdma misc\n";
  CHECK (cgroup_unified_key_check ("memory.high", ctrls, &err) == 0);
  CHECK (cgroup_unified_key_check ("pids.max", ctrls, &err) == 0);
  CHECK (cgroup_unified_key_check ("cgroup.max.descendants", "", &err) == 0);
  CHECK (err == NULL);
  static const char *const bad[] = { "memory", "memory/../x", "/memory.max", ".memory", "memory.",
                                     "memory..max", "cgroup.procs", "cgroup.kill", "cgroup.subtree_control",
                                     "memory.max x", "" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      CHECK (cgroup_unified_key_check (bad[i], ctrls, &err) == -1);
      CHECK (err && strncmp (err->json_path, "linux.resources.unified[\"", 25) == 0);
      casco_error_freep (&err);
    }
  CHECK (cgroup_unified_key_check ("hugetlb.2MB.max", "cpu memory pids\n", &err) == -1);
  CHECK_STR (err ? err->json_path : NULL, "linux.resources.unified[\"hugetlb.2MB.max\"]");
  CHECK_CONTAINS (err ? err->msg : NULL, "\"hugetlb\" controller is not available");
  casco_error_freep (&err);
  CHECK (cgroup_unified_key_check ("memory.high", "", &err) == -1);
  casco_error_freep (&err);
}

/* ---- stats parsing ----------------------------------------------------------------- */

static void
test_parse_keyed_and_io_stat (void)
{
  static const char cpu[] = "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\nnr_periods 5\n"
                            "nr_throttled 2\nthrottled_usec 777\n";
  uint64_t v = 0;
  CHECK (cgroup_parse_keyed (cpu, "usage_usec", &v) == 0 && v == 1234);
  CHECK (cgroup_parse_keyed (cpu, "throttled_usec", &v) == 0 && v == 777);
  CHECK (cgroup_parse_keyed (cpu, "nr_throttled", &v) == 0 && v == 2);
  CHECK (cgroup_parse_keyed (cpu, "usage", &v) == -1);          /* whole keys only */
  CHECK (cgroup_parse_keyed ("populated 0\nfrozen 1\n", "frozen", &v) == 0 && v == 1);
  CHECK (cgroup_parse_keyed ("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1", "oom_kill", &v) == 0 && v == 1);

  struct cgroup_stats st = { 0 };
  cgroup_parse_io_stat ("8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
                        "8:16 rbytes=1000 wbytes=2000 rios=10 wios=20 dbytes=0 dios=0\n", &st);
  CHECK (st.io_rbytes == 1100 && st.io_wbytes == 2200 && st.io_rios == 11 && st.io_wios == 22);
}

/* ---- the device filter ------------------------------------------------------------- */

/* Run a device program the way the kernel would, for the instructions the
   emitter uses.  Returns the verdict, or -1 for an instruction it does not
   know or a jump out of the program. */
static int
bpf_run (const struct bpf_insn *p, size_t n, char type, unsigned access, uint32_t major, uint32_t minor)
{
  struct bpf_cgroup_dev_ctx ctx = {
    .access_type = (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
    .major = major,
    .minor = minor,
  };
  uint64_t r[11] = { 0 };
  size_t pc = 0;
  for (int steps = 0; steps < 100000 && pc < n; steps++)
    {
      const struct bpf_insn *i = &p[pc++];
      uint64_t *d = &r[i->dst_reg];
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          if (i->src_reg != 1 || i->off < 0 || i->off > 8)
            return -1;
          *d = *(const uint32_t *) ((const char *) &ctx + i->off);
          break;
        case BPF_ALU | BPF_AND | BPF_K: *d = (uint32_t) (*d & (uint32_t) i->imm); break;
        case BPF_ALU | BPF_RSH | BPF_K: *d = (uint32_t) *d >> i->imm; break;
        case BPF_ALU | BPF_MOV | BPF_K: *d = (uint32_t) i->imm; break;
        case BPF_ALU | BPF_MOV | BPF_X: *d = (uint32_t) r[i->src_reg]; break;
        case BPF_JMP | BPF_JNE | BPF_K: if (*d != (uint64_t) (int64_t) i->imm) pc += i->off; break;
        case BPF_JMP | BPF_JEQ | BPF_K: if (*d == (uint64_t) (int64_t) i->imm) pc += i->off; break;
        case BPF_JMP | BPF_JA: pc += i->off; break;
        case BPF_JMP | BPF_EXIT: return (int) r[0];
        default: return -1;
        }
    }
  return -1;
}

#define ACC_R BPF_DEVCG_ACC_READ
#define ACC_W BPF_DEVCG_ACC_WRITE
#define ACC_M BPF_DEVCG_ACC_MKNOD
#define ACC_RWM (ACC_R | ACC_W | ACC_M)
#define ANY CGROUP_DEV_WILDCARD

struct prog
{
  struct bpf_insn *v;
  size_t n;
};

static struct prog
compile (const struct cgroup_dev_rule *rules, size_t n)
{
  struct prog p = { 0 };
  struct casco_error *err = NULL;
  CHECK (cgroup_bpf_compile (rules, n, &p.v, &p.n, &err) == 0);
  CHECK (err == NULL);
  casco_error_free (err);
  return p;
}

/* The full list as a container gets it: config rules + runc's defaults + extra. */
static struct prog
compile_spec (const struct spec_device_cgroup *rules, size_t n, const struct cgroup_dev_rule *extra,
              size_t n_extra)
{
  struct cgroup_dev_rule *all = NULL;
  size_t n_all = 0;
  struct casco_error *err = NULL;
  CHECK (cgroup_dev_rules_build (rules, n, extra, n_extra, &all, &n_all, &err) == 0);
  casco_error_free (err);
  struct prog p = compile (all, n_all);
  free (all);
  return p;
}

static void
test_bpf_access_parse (void)
{
  CHECK (cgroup_dev_access_parse ("r") == ACC_R);
  CHECK (cgroup_dev_access_parse ("wm") == (ACC_W | ACC_M));
  CHECK (cgroup_dev_access_parse ("rwm") == ACC_RWM);
  CHECK (cgroup_dev_access_parse (NULL) == ACC_RWM);
  CHECK (cgroup_dev_access_parse ("") == -1);
  CHECK (cgroup_dev_access_parse ("rx") == -1);
}

static void
test_bpf_shape (void)
{
  /* No rule: the prologue (6), per access bit "skip unless requested" (3)
     + deny (2), then allow (2). */
  struct prog p = compile (NULL, 0);
  CHECK (p.n == 6 + 3 * 5 + 2);
  CHECK (p.n > 0 && p.v[p.n - 1].code == (BPF_JMP | BPF_EXIT));
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 3) == 0);
  free (p.v);

  /* allow a *:* rwm: nothing to check at all */
  struct cgroup_dev_rule all = { true, 'a', ANY, ANY, ACC_RWM };
  p = compile (&all, 1);
  CHECK (p.n == 6 + 2);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_RWM, 8, 0) == 1);
  free (p.v);

  /* one device: per bit 3 (skip) + 3 compares + 1 jump-to-next-bit + 2 deny */
  struct cgroup_dev_rule one = { true, 'c', 1, 3, ACC_RWM };
  p = compile (&one, 1);
  CHECK (p.n == 6 + 3 * (3 + 4 + 2) + 2);
  free (p.v);

  /* bad rules are refused, not compiled */
  struct cgroup_dev_rule bad = { true, 'x', ANY, ANY, ACC_R };
  struct bpf_insn *v = NULL;
  size_t n = 0;
  struct casco_error *err = NULL;
  CHECK (cgroup_bpf_compile (&bad, 1, &v, &n, &err) == -1 && v == NULL);
  casco_error_freep (&err);
}

static void
test_bpf_runc_defaults (void)
{
  /* runc spec's config: deny everything, then runc's allow list. */
  struct spec_device_cgroup deny_all = { .allow = false, .type = 'a', .access = (char *) "rwm" };
  struct prog p = compile_spec (&deny_all, 1, NULL, 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 1, 3) == 1);    /* /dev/null */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 5) == 1);            /* /dev/zero */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 1, 7) == 1);    /* /dev/full */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 8) == 1);            /* /dev/random */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 9) == 1);            /* /dev/urandom */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 5, 0) == 1);    /* /dev/tty */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 5, 2) == 1);    /* /dev/ptmx */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 136, 7) == 1);  /* /dev/pts/7 */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 10, 200) == 1); /* /dev/net/tun */
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 8, 0) == 0);            /* /dev/sda */
  CHECK (bpf_run (p.v, p.n, 'b', ACC_M, 8, 0) == 1);            /* mknod of anything (runc) */
  CHECK (bpf_run (p.v, p.n, 'b', ACC_M | ACC_R, 8, 0) == 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 1) == 0);            /* /dev/mem */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_W, 5, 1) == 0);            /* host console */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 10, 229) == 0);         /* /dev/fuse */
  free (p.v);

  /* ...and the config's own linux.devices come through */
  struct cgroup_dev_rule fuse = { true, 'c', 10, 229, ACC_RWM };
  p = compile_spec (&deny_all, 1, &fuse, 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 10, 229) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 10, 228) == 0);
  free (p.v);

  /* no rules at all in the config: the same deny-by-default */
  p = compile_spec (NULL, 0, NULL, 0);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 8, 0) == 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 3) == 1);
  free (p.v);
}

static void
test_bpf_last_match_wins (void)
{
  /* runc's "weird" case: what precedes an allow-all no longer matters. */
  struct cgroup_dev_rule weird[] = {
    { false, 'b', 8, 1, ACC_RWM },
    { true, 'a', ANY, ANY, ACC_RWM },
    { false, 'b', 8, 2, ACC_RWM },
  };
  struct prog p = compile (weird, 3);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 8, 1) == 1);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 8, 2) == 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_RWM, 4, 4) == 1);
  free (p.v);

  /* each access bit on its own: a later "deny w" takes w away only */
  struct cgroup_dev_rule rw[] = {
    { true, 'c', 99, 1, ACC_RWM },
    { false, 'c', 99, 1, ACC_W },
  };
  p = compile (rw, 2);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 99, 1) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_W, 99, 1) == 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 99, 1) == 0);   /* O_RDWR needs both */
  CHECK (bpf_run (p.v, p.n, 'c', ACC_M, 99, 1) == 1);
  free (p.v);

  /* ...and two allows of one bit each add up */
  struct cgroup_dev_rule split[] = {
    { true, 'c', 99, 1, ACC_R },
    { true, 'c', 99, 1, ACC_W },
  };
  p = compile (split, 2);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R | ACC_W, 99, 1) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_M, 99, 1) == 0);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 99, 1) == 0);           /* type matters */
  free (p.v);

  /* type 'a' with a major: any type, any minor of that major */
  struct cgroup_dev_rule major_only[] = { { true, 'a', 7, ANY, ACC_R } };
  p = compile (major_only, 1);
  CHECK (bpf_run (p.v, p.n, 'b', ACC_R, 7, 0) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 7, 123456) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 8, 0) == 0);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_W, 7, 0) == 0);
  free (p.v);

  /* a trailing deny-all wins over everything before it */
  struct cgroup_dev_rule then_deny[] = {
    { true, 'c', 1, 3, ACC_RWM },
    { false, 'a', ANY, ANY, ACC_RWM },
  };
  p = compile (then_deny, 2);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 1, 3) == 0);
  free (p.v);

  /* a large device number stays exact (no sign trouble in the compare) */
  struct cgroup_dev_rule big[] = { { true, 'c', 511, 1048575, ACC_RWM } };
  p = compile (big, 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 511, 1048575) == 1);
  CHECK (bpf_run (p.v, p.n, 'c', ACC_R, 511, 1048574) == 0);
  free (p.v);
}

static void
test_bpf_rules_from_config (void)
{
  struct spec_device_cgroup rules[] = {
    { .allow = true, .type = 'c', .has_major = true, .major = 4, .has_minor = true, .minor = -1,
      .access = (char *) "rw" },
    { .allow = false, .type = 'b', .has_major = true, .major = 8 },
  };
  struct cgroup_dev_rule *all = NULL;
  size_t n = 0;
  struct casco_error *err = NULL;
  CHECK (cgroup_dev_rules_build (rules, 2, NULL, 0, &all, &n, &err) == 0);
  CHECK (n == 2 + 11);
  if (n >= 2)
    {
      CHECK (all[0].allow && all[0].type == 'c' && all[0].major == 4 && all[0].minor == ANY);
      CHECK (all[0].access == (ACC_R | ACC_W));
      CHECK (!all[1].allow && all[1].minor == ANY && all[1].access == ACC_RWM);   /* no access: all */
    }
  free (all);

  rules[1].major = -7;
  CHECK (cgroup_dev_rules_build (rules, 2, NULL, 0, &all, &n, &err) == -1);
  CHECK_STR (err ? err->json_path : NULL, "linux.resources.devices[1].major");
  casco_error_freep (&err);
  rules[1].major = 8;
  rules[0].access = (char *) "rwx";
  CHECK (cgroup_dev_rules_build (rules, 2, NULL, 0, &all, &n, &err) == -1);
  CHECK_STR (err ? err->json_path : NULL, "linux.resources.devices[0].access");
  casco_error_freep (&err);
}

int
main (void)
{
  RUN (test_cpu_shares_to_weight);
  RUN (test_blkio_weight_to_io_weight);
  RUN (test_swap_conversion);
  RUN (test_mountinfo_unified);
  RUN (test_mountinfo_hybrid);
  RUN (test_mountinfo_name_only_v1);
  RUN (test_mountinfo_choice_and_escapes);
  RUN (test_cgroups_path);
  RUN (test_first_limit);
  RUN (test_plan_decide);
  RUN (test_memory_max_during_setup);
  RUN (test_writes_memory);
  RUN (test_writes_cpu);
  RUN (test_writes_pids);
  RUN (test_writes_block_io);
  RUN (test_writes_hugetlb_rdma_unified);
  RUN (test_unified_key_check);
  RUN (test_parse_keyed_and_io_stat);
  RUN (test_bpf_access_parse);
  RUN (test_bpf_shape);
  RUN (test_bpf_runc_defaults);
  RUN (test_bpf_last_match_wins);
  RUN (test_bpf_rules_from_config);
  return UNIT_DONE ();
}

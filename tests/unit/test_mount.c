/* mount_options.c, the pure half of mounting: options → MS_* flags,
   MOUNT_ATTR_* attributes, propagation and fs data, the way runc reads
   them; plus the pure rules (cgroup -> cgroup2, idmap, /proc destinations,
   sysctls). */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "casco/error.h"
#include "util.h"
#include "mount_options.h"
#include "rootfs.h"
#include "unit.h"

#define OPTS(...) ((char *[]){ __VA_ARGS__, NULL })

static struct mount_options
parse_ok (char **opts)
{
  struct mount_options o;
  struct casco_error *err = NULL;
  CHECK (mount_options_parse (opts, 0, &o, &err) == 0);
  CHECK (err == NULL);
  casco_error_free (err);
  return o;
}

static void
test_no_options (void)
{
  struct mount_options o = parse_ok (NULL);
  CHECK (o.flags == 0 && o.cleared == 0 && o.n_propagation == 0);
  CHECK (o.rec_attr_set == 0 && o.rec_attr_clr == 0 && o.data == NULL && !o.tmpcopyup);
  CHECK (mount_options_data_string (&o) == NULL);
  mount_options_clear (&o);
}

static void
test_security_flags (void)
{
  struct mount_options o = parse_ok (OPTS ("ro", "nosuid", "nodev", "noexec", "nosymfollow"));
  CHECK (o.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW));
  uint64_t set, clr;
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
                 | MOUNT_ATTR_NOSYMFOLLOW));
  CHECK (clr == 0);   /* no atime word: leave atime alone */
  mount_options_clear (&o);
}

static void
test_clearing_words (void)
{
  struct mount_options o = parse_ok (OPTS ("nosuid", "suid", "dev", "exec"));
  CHECK (o.flags == 0);
  CHECK (o.cleared == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
  uint64_t set, clr;
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == 0);
  CHECK (clr == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  mount_options_clear (&o);
}

static void
test_ro_rw_last_wins (void)
{
  struct mount_options a = parse_ok (OPTS ("ro", "rw"));
  CHECK (!(a.flags & MS_RDONLY) && (a.cleared & MS_RDONLY));
  struct mount_options b = parse_ok (OPTS ("rw", "ro"));
  CHECK ((b.flags & MS_RDONLY) && !(b.cleared & MS_RDONLY));
  uint64_t set, clr;
  mount_flags_to_attr (a.flags, a.cleared, &set, &clr);
  CHECK (clr == MOUNT_ATTR_RDONLY && set == 0);
  mount_flags_to_attr (b.flags, b.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_RDONLY && clr == 0);
  mount_options_clear (&a);
  mount_options_clear (&b);
}

static void
test_atime_family (void)
{
  uint64_t set, clr;
  struct mount_options o = parse_ok (OPTS ("noatime"));
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_NOATIME && clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);

  o = parse_ok (OPTS ("relatime"));
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_RELATIME && clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);

  /* mount(2)'s ranking: strictatime beats noatime. */
  o = parse_ok (OPTS ("noatime", "strictatime"));
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_STRICTATIME && clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);

  /* "atime" clears noatime: back to the kernel default, relatime. */
  o = parse_ok (OPTS ("noatime", "atime"));
  CHECK (!(o.flags & MS_NOATIME) && (o.cleared & MS_NOATIME));
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_RELATIME && clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);

  o = parse_ok (OPTS ("nodiratime"));
  mount_flags_to_attr (o.flags, o.cleared, &set, &clr);
  CHECK (set == MOUNT_ATTR_NODIRATIME && clr == 0);
  mount_options_clear (&o);
}

static void
test_propagation_in_order (void)
{
  struct mount_options o = parse_ok (OPTS ("rprivate", "shared", "rslave", "unbindable", "runbindable",
                                           "private", "slave", "rshared"));
  CHECK (o.n_propagation == 8);
  CHECK (o.propagation[0] == (MS_PRIVATE | MS_REC));
  CHECK (o.propagation[1] == MS_SHARED);
  CHECK (o.propagation[2] == (MS_SLAVE | MS_REC));
  CHECK (o.propagation[3] == MS_UNBINDABLE);
  CHECK (o.propagation[4] == (MS_UNBINDABLE | MS_REC));
  CHECK (o.propagation[5] == MS_PRIVATE);
  CHECK (o.propagation[6] == MS_SLAVE);
  CHECK (o.propagation[7] == (MS_SHARED | MS_REC));
  CHECK (o.flags == 0 && o.data == NULL);   /* propagation is not a flag nor data */
  mount_options_clear (&o);
}

static void
test_propagation_names (void)
{
  unsigned long f = 0;
  CHECK (mount_propagation_from_name ("rslave", &f) == 0 && f == (MS_SLAVE | MS_REC));
  CHECK (mount_propagation_from_name ("shared", &f) == 0 && f == MS_SHARED);
  CHECK (mount_propagation_from_name ("sideways", &f) == -1);
  CHECK (mount_propagation_from_name ("", &f) == -1);
}

static void
test_rro_recursive_attrs (void)
{
  struct mount_options o = parse_ok (OPTS ("rbind", "rro", "rnosuid", "rnodev", "rnoexec"));
  CHECK (o.flags == (MS_BIND | MS_REC));
  CHECK (o.rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  CHECK (o.rec_attr_clr == 0);
  CHECK (!(o.flags & MS_RDONLY));   /* rro is not the top-level ro */
  mount_options_clear (&o);

  o = parse_ok (OPTS ("rro", "rrw"));
  CHECK (o.rec_attr_set == 0 && o.rec_attr_clr == MOUNT_ATTR_RDONLY);
  mount_options_clear (&o);
}

static void
test_recursive_atime_is_an_enum (void)
{
  struct mount_options o = parse_ok (OPTS ("rnoatime"));
  CHECK (o.rec_attr_set == MOUNT_ATTR_NOATIME && o.rec_attr_clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);
  /* Last atime word wins and the whole enum is always cleared (else EINVAL). */
  o = parse_ok (OPTS ("rnoatime", "rstrictatime"));
  CHECK (o.rec_attr_set == MOUNT_ATTR_STRICTATIME && o.rec_attr_clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);
  o = parse_ok (OPTS ("rnoatime", "ratime"));
  CHECK (o.rec_attr_set == MOUNT_ATTR_RELATIME && o.rec_attr_clr == MOUNT_ATTR__ATIME);
  mount_options_clear (&o);
}

static void
test_unknown_words_are_data (void)
{
  struct mount_options o = parse_ok (OPTS ("nosuid", "mode=755", "size=65536k", "nr_inodes=4k"));
  CHECK (o.flags == MS_NOSUID);
  CHECK (strv_len (o.data) == 3);
  CHECK_STR (o.data[0], "mode=755");
  CHECK_STR (o.data[2], "nr_inodes=4k");
  _cleanup_free_ char *s = mount_options_data_string (&o);
  CHECK_STR (s, "mode=755,size=65536k,nr_inodes=4k");
  mount_options_clear (&o);
}

static void
test_defaults_and_empty_are_nothing (void)
{
  struct mount_options o = parse_ok (OPTS ("defaults", "", "newinstance"));
  CHECK (o.flags == 0 && o.cleared == 0);
  CHECK (strv_len (o.data) == 1);
  CHECK_STR (o.data[0], "newinstance");
  mount_options_clear (&o);
}

static void
test_superblock_flags (void)
{
  struct mount_options o = parse_ok (OPTS ("sync", "dirsync", "mand", "lazytime", "remount"));
  CHECK (o.flags == (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | MS_REMOUNT));
  mount_options_clear (&o);
  o = parse_ok (OPTS ("sync", "async"));
  CHECK (!(o.flags & MS_SYNCHRONOUS) && (o.cleared & MS_SYNCHRONOUS));
  mount_options_clear (&o);
}

static void
test_idmap_refused (void)
{
  struct mount_options o;
  struct casco_error *err = NULL;
  CHECK (mount_options_parse (OPTS ("rbind", "idmap"), 2, &o, &err) == -1);
  CHECK (err != NULL);
  if (err)
    {
      CHECK_STR (err->json_path, "mounts[2].options[1]");
      CHECK_CONTAINS (err->msg, "not supported yet");
    }
  casco_error_free (err);
  err = NULL;
  CHECK (mount_options_parse (OPTS ("ridmap"), 0, &o, &err) == -1);
  casco_error_free (err);
}

static void
test_tmpcopyup (void)
{
  struct mount_options o = parse_ok (OPTS ("tmpcopyup", "mode=1777"));
  CHECK (o.tmpcopyup);
  CHECK (strv_len (o.data) == 1);
  mount_options_clear (&o);
}

static struct spec_mount
mk (const char *dest, const char *type, const char *source, char **options)
{
  struct spec_mount m = { 0 };
  m.destination = (char *) dest;
  m.type = (char *) type;
  m.source = (char *) source;
  m.options = options;
  return m;
}

static int
plan (struct spec_mount m, size_t index, struct mount_plan *p, struct casco_error **err)
{
  return mount_plan_build (&m, index, p, err);
}

static void
test_plan_bind_kinds (void)
{
  struct mount_plan p;
  struct casco_error *err = NULL;
  CHECK (plan (mk ("/data", "none", "/srv", OPTS ("rbind", "ro")), 0, &p, &err) == 0);
  CHECK (p.kind == MOUNT_KIND_BIND && p.recursive);
  CHECK (p.attr_set == MOUNT_ATTR_RDONLY);
  mount_plan_clear (&p);

  CHECK (plan (mk ("/data", "bind", "/srv", NULL), 0, &p, &err) == 0);
  CHECK (p.kind == MOUNT_KIND_BIND && !p.recursive);
  mount_plan_clear (&p);

  /* "bind" wins over a filesystem type, as in runc. */
  CHECK (plan (mk ("/data", "tmpfs", "/srv", OPTS ("bind")), 0, &p, &err) == 0);
  CHECK (p.kind == MOUNT_KIND_BIND);
  mount_plan_clear (&p);

  CHECK (plan (mk ("/tmp", "tmpfs", "tmpfs", OPTS ("nosuid", "mode=1777")), 0, &p, &err) == 0);
  CHECK (p.kind == MOUNT_KIND_FS);
  CHECK_STR (p.fstype, "tmpfs");
  mount_plan_clear (&p);

  CHECK (plan (mk ("/sys", NULL, NULL, OPTS ("remount", "ro")), 0, &p, &err) == 0);
  CHECK (p.kind == MOUNT_KIND_REMOUNT);
  mount_plan_clear (&p);
  CHECK (err == NULL);

  struct spec_mount b = mk ("/x", "bind", "/y", NULL);
  CHECK (mount_is_bind (&b));
  struct spec_mount r = mk ("/x", "none", "/y", OPTS ("rbind"));
  CHECK (mount_is_bind (&r));
  struct spec_mount t = mk ("/x", "tmpfs", "tmpfs", OPTS ("nosuid"));
  CHECK (!mount_is_bind (&t));
}

static void
test_plan_cgroup_is_cgroup2 (void)
{
  struct mount_plan p;
  struct casco_error *err = NULL;
  /* engines' default configs say "cgroup": casco mounts cgroup2 */
  CHECK (plan (mk ("/sys/fs/cgroup", "cgroup", "cgroup", OPTS ("ro")), 5, &p, &err) == 0);
  CHECK (err == NULL);
  CHECK_STR (p.fstype, "cgroup2");
  CHECK (p.kind == MOUNT_KIND_FS);
  mount_plan_clear (&p);
  casco_error_free (err);
  err = NULL;
  CHECK (plan (mk ("/sys/fs/cgroup", "cgroup2", "cgroup", NULL), 5, &p, &err) == 0);
  CHECK_STR (p.fstype, "cgroup2");
  mount_plan_clear (&p);
}

static void
test_plan_refusals (void)
{
  struct mount_plan p;
  struct casco_error *err = NULL;
  struct spec_id_mapping map = { 0, 1000, 1 };
  struct spec_mount m = mk ("/data", "bind", "/srv", OPTS ("rbind"));
  m.uid_mappings = &map;
  m.n_uid_mappings = 1;
  CHECK (mount_plan_build (&m, 1, &p, &err) == -1);
  CHECK (err && strcmp (err->json_path, "mounts[1].uidMappings") == 0);
  casco_error_free (err);
  err = NULL;

  CHECK (plan (mk ("/", "tmpfs", "tmpfs", NULL), 0, &p, &err) == -1);
  CHECK (err && strcmp (err->json_path, "mounts[0].destination") == 0);
  casco_error_free (err);
  err = NULL;

  CHECK (plan (mk ("/mnt", "", "x", NULL), 3, &p, &err) == -1);
  CHECK (err && strcmp (err->json_path, "mounts[3].type") == 0);
  casco_error_free (err);
}

static void
test_plan_proc_destinations (void)
{
  struct mount_plan p;
  struct casco_error *err = NULL;
  CHECK (plan (mk ("/proc", "proc", "proc", NULL), 0, &p, &err) == 0);
  mount_plan_clear (&p);
  CHECK (plan (mk ("/proc/cpuinfo", "bind", "/var/lib/lxcfs/proc/cpuinfo", OPTS ("bind")), 0, &p, &err) == 0);
  mount_plan_clear (&p);
  CHECK (err == NULL);

  /* A tmpfs on /proc would hide procfs behind a fake one. */
  CHECK (plan (mk ("/proc", "tmpfs", "tmpfs", NULL), 0, &p, &err) == -1);
  casco_error_free (err);
  err = NULL;
  /* Over-mounting inside /proc could undo maskedPaths. */
  CHECK (plan (mk ("/proc/sys/kernel", "tmpfs", "tmpfs", NULL), 0, &p, &err) == -1);
  CHECK_CONTAINS (err ? err->msg : NULL, "inside /proc");
  casco_error_free (err);
  err = NULL;
  /* ".." is cleaned before the check: no sneaking in. */
  CHECK (plan (mk ("/tmp/../proc/self/attr", "bind", "/x", NULL), 0, &p, &err) == -1);
  casco_error_free (err);

  CHECK (mount_dest_allowed_in_proc ("/procfoo"));
  CHECK (mount_dest_allowed_in_proc ("/proc"));
  CHECK (!mount_dest_allowed_in_proc ("/proc/kcore"));
}

/* features lists every word: each one parses as a known word, never as
   filesystem data, and none is listed twice. */
static void
test_option_names_all_known (void)
{
  _cleanup_strv_ char **names = mount_option_names ();
  size_t n = 0;
  for (; names[n]; n++)
    {
      struct mount_options o = parse_ok (OPTS (names[n]));
      CHECK (o.data == NULL);
      for (size_t k = 0; k < n; k++)
        CHECK (strcmp (names[k], names[n]) != 0);
      mount_options_clear (&o);
    }
  CHECK (n > 40);
}

/* Whole components only: "/procfoo" is not below "/proc". */
static void
test_path_has_prefix (void)
{
  CHECK (path_has_prefix ("/proc", "/proc"));
  CHECK (path_has_prefix ("/proc/sys", "/proc"));
  CHECK (!path_has_prefix ("/procfoo", "/proc"));
  CHECK (!path_has_prefix ("/pro", "/proc"));
  CHECK (!path_has_prefix ("/sys/proc", "/proc"));
}

static void
test_clean_path (void)
{
  const char *cases[][2] = {
    { "/", "/" },         { "", "/" },             { "dev", "/dev" },     { "/dev/", "/dev" },
    { "//a//b/./c", "/a/b/c" }, { "/a/../b", "/b" }, { "/../../etc", "/etc" }, { "a/b/..", "/a" },
    { "/..", "/" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *c = mount_clean_path (cases[i][0]);
      CHECK_STR (c, cases[i][1]);
    }
}

static void
test_sysctl_rules (void)
{
  struct rootfs_config own = { .new_ipcns = true, .new_netns = true, .new_utsns = true };
  struct rootfs_config host = { 0 };
  const char *ok_own[] = { "kernel.shmmax", "kernel.msgmnb", "kernel.sem", "fs.mqueue.msg_max",
                           "net.ipv4.ip_forward", "net/ipv4/conf/eth0.100/forwarding",
                           "kernel.domainname", "kernel.hostname" };
  for (size_t i = 0; i < ARRAY_SIZE (ok_own); i++)
    {
      struct casco_error *err = NULL;
      CHECK (rootfs_sysctl_check (&own, ok_own[i], &err) == 0);
      casco_error_free (err);
      err = NULL;
      CHECK (rootfs_sysctl_check (&host, ok_own[i], &err) == -1);
      casco_error_free (err);
    }
  struct casco_error *err = NULL;
  CHECK (rootfs_sysctl_check (&own, "kernel.panic", &err) == -1);
  CHECK (err && strcmp (err->json_path, "linux.sysctl.kernel.panic") == 0);
  CHECK_CONTAINS (err ? err->msg : NULL, "not namespaced");
  casco_error_free (err);
  err = NULL;
  CHECK (rootfs_sysctl_check (&own, "vm.overcommit_memory", &err) == -1);
  casco_error_free (err);
  err = NULL;
  CHECK (rootfs_sysctl_check (&host, "net.core.somaxconn", &err) == -1);
  CHECK_CONTAINS (err ? err->msg : NULL, "network namespace");
  casco_error_free (err);
}

/* The effect, in the order the mount applies the words (top-level, then
   the recursive ones over the whole tree): found by tests/fuzz/fuzz_canon,
   where "rbind","ro","rrw" passed the policy as read-only and was mounted
   writable. */
static void
test_plan_effect_readonly_nodev (void)
{
  const struct
  {
    char **opts;
    bool ro, nodev, nodev_below;
  } cases[] = {
    { OPTS ("bind", "ro"), true, false, false },
    { OPTS ("bind", "ro", "rrw"), false, false, false },
    { OPTS ("bind", "rrw", "ro"), false, false, false },
    { OPTS ("rbind", "ro", "rrw"), false, false, false },
    { OPTS ("rbind", "rro", "rw"), true, false, false },
    { OPTS ("rbind", "rrw", "rro"), true, false, false },
    { OPTS ("rbind", "rro", "rrw", "ro"), false, false, false },
    { OPTS ("bind", "nodev"), false, true, false },
    { OPTS ("bind", "nodev", "rdev"), false, false, false },
    { OPTS ("rbind", "rdev", "nodev"), false, false, false },
    { OPTS ("rbind", "rnodev", "dev"), false, true, true },
    { OPTS ("rbind", "nodev"), false, true, false },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct mount_plan p;
      struct casco_error *err = NULL;
      CHECK (plan (mk ("/data", "none", "/srv", cases[i].opts), 0, &p, &err) == 0);
      CHECK (mount_plan_readonly (&p) == cases[i].ro);
      CHECK (mount_plan_nodev (&p, false) == cases[i].nodev);
      CHECK (mount_plan_nodev (&p, true) == cases[i].nodev_below);
      mount_plan_clear (&p);
    }
}

int
main (void)
{
  RUN (test_no_options);
  RUN (test_security_flags);
  RUN (test_clearing_words);
  RUN (test_ro_rw_last_wins);
  RUN (test_atime_family);
  RUN (test_propagation_in_order);
  RUN (test_propagation_names);
  RUN (test_rro_recursive_attrs);
  RUN (test_recursive_atime_is_an_enum);
  RUN (test_unknown_words_are_data);
  RUN (test_defaults_and_empty_are_nothing);
  RUN (test_superblock_flags);
  RUN (test_idmap_refused);
  RUN (test_tmpcopyup);
  RUN (test_plan_bind_kinds);
  RUN (test_plan_effect_readonly_nodev);
  RUN (test_plan_cgroup_is_cgroup2);
  RUN (test_plan_refusals);
  RUN (test_plan_proc_destinations);
  RUN (test_clean_path);
  RUN (test_option_names_all_known);
  RUN (test_path_has_prefix);
  RUN (test_sysctl_rules);
  return UNIT_DONE ();
}

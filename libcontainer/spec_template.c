/* The config.json that `casco spec` writes: runc's default shape, hardened
   so that it passes `casco audit --policy strict`: read-only root,
   no_new_privs, the three usual capabilities, masked paths, a user and a
   network namespace, memory and pids limits. */
#include <string.h>
#include <unistd.h>

#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"

#define SPEC_USERNS_HOST_ID 100000u
#define SPEC_USERNS_SIZE 65536u
#define SPEC_MEMORY_LIMIT (512 * 1024 * 1024)
#define SPEC_PIDS_LIMIT 1024

static void
mount_entry (json_writer *w, const char *dest, const char *type, const char *source,
             const char *const *options)
{
  jw_obj_open (w);
  jw_kv_str (w, "destination", dest);
  jw_kv_str (w, "type", type);
  jw_kv_str (w, "source", source);
  if (options)
    jw_kv_strv (w, "options", options);
  jw_obj_close (w);
}

static void
id_mapping (json_writer *w, const char *key, unsigned host_id, unsigned size)
{
  jw_key (w, key);
  jw_arr_open (w);
  jw_obj_open (w);
  jw_kv_int (w, "containerID", 0);
  jw_kv_int (w, "hostID", host_id);
  jw_kv_int (w, "size", size);
  jw_obj_close (w);
  jw_arr_close (w);
}

static void
write_process (json_writer *w)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  jw_key (w, "process");
  jw_obj_open (w);
  jw_kv_bool (w, "terminal", true);
  jw_key (w, "user");
  jw_obj_open (w);
  jw_kv_int (w, "uid", 0);
  jw_kv_int (w, "gid", 0);
  jw_obj_close (w);
  jw_kv_strv (w, "args", (const char *const[]){ "sh", NULL });
  jw_kv_strv (w, "env", (const char *const[]){
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL });
  jw_kv_str (w, "cwd", "/");
  jw_key (w, "capabilities");
  jw_obj_open (w);
  jw_kv_strv (w, "bounding", caps);
  jw_kv_strv (w, "effective", caps);
  jw_kv_strv (w, "permitted", caps);
  jw_obj_close (w);
  jw_key (w, "rlimits");
  jw_arr_open (w);
  jw_obj_open (w);
  jw_kv_str (w, "type", "RLIMIT_NOFILE");
  jw_kv_int (w, "hard", 1024);
  jw_kv_int (w, "soft", 1024);
  jw_obj_close (w);
  jw_arr_close (w);
  jw_kv_bool (w, "noNewPrivileges", true);
  jw_obj_close (w);
}

static void
write_mounts (json_writer *w, bool rootless)
{
  jw_key (w, "mounts");
  jw_arr_open (w);
  mount_entry (w, "/proc", "proc", "proc", NULL);
  mount_entry (w, "/dev", "tmpfs", "tmpfs",
               (const char *const[]){ "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
  /* gid=5 (tty) cannot be mapped in a rootless user namespace of size 1 */
  mount_entry (w, "/dev/pts", "devpts", "devpts",
               rootless ? (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                                 "mode=0620", NULL }
                        : (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                                 "mode=0620", "gid=5", NULL });
  mount_entry (w, "/dev/shm", "tmpfs", "shm",
               (const char *const[]){ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
  mount_entry (w, "/dev/mqueue", "mqueue", "mqueue",
               (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
  if (rootless)
    mount_entry (w, "/sys", "none", "/sys",
                 (const char *const[]){ "rbind", "nosuid", "noexec", "nodev", "ro", NULL });
  else
    mount_entry (w, "/sys", "sysfs", "sysfs",
                 (const char *const[]){ "nosuid", "noexec", "nodev", "ro", NULL });
  mount_entry (w, "/sys/fs/cgroup", "cgroup2", "cgroup",
               (const char *const[]){ "nosuid", "noexec", "nodev", "relatime", "ro", NULL });
  jw_arr_close (w);
}

static void
write_linux (json_writer *w, bool rootless)
{
  jw_key (w, "linux");
  jw_obj_open (w);
  /* Root in the container is not root on the host (the strict policy's
     rule): rootless maps the caller, otherwise a range of unused ids, the
     usual first subordinate range (edit it to one reserved for casco). */
  if (rootless)
    {
      id_mapping (w, "uidMappings", (unsigned) geteuid (), 1);
      id_mapping (w, "gidMappings", (unsigned) getegid (), 1);
    }
  else
    {
      id_mapping (w, "uidMappings", SPEC_USERNS_HOST_ID, SPEC_USERNS_SIZE);
      id_mapping (w, "gidMappings", SPEC_USERNS_HOST_ID, SPEC_USERNS_SIZE);
    }
  jw_key (w, "namespaces");
  jw_arr_open (w);
  /* A network namespace even rootless: the container gets only lo, which
     is what strict asks (add interfaces with slirp4netns or pasta). */
  static const char *const types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", "user", NULL };
  for (const char *const *t = types; *t; t++)
    {
      jw_obj_open (w);
      jw_kv_str (w, "type", *t);
      jw_obj_close (w);
    }
  jw_arr_close (w);
  /* Limits that any interactive shell or small service fits in, so that
     one container cannot take the host's memory or process table. */
  jw_key (w, "resources");
  jw_obj_open (w);
  jw_key (w, "memory");
  jw_obj_open (w);
  jw_kv_int (w, "limit", SPEC_MEMORY_LIMIT);
  jw_obj_close (w);
  jw_key (w, "pids");
  jw_obj_open (w);
  jw_kv_int (w, "limit", SPEC_PIDS_LIMIT);
  jw_obj_close (w);
  jw_obj_close (w);
  jw_kv_strv (w, "maskedPaths", (const char *const[]){
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
      "/proc/scsi", "/sys/devices/virtual/powercap", NULL });
  jw_kv_strv (w, "readonlyPaths", (const char *const[]){
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL });
  jw_obj_close (w);
}

char *
spec_default_json (bool rootless)
{
  json_writer *w = jw_new (true);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersion", CASCO_SPEC_VERSION);
  write_process (w);
  jw_key (w, "root");
  jw_obj_open (w);
  jw_kv_str (w, "path", "rootfs");
  jw_kv_bool (w, "readonly", true);
  jw_obj_close (w);
  jw_kv_str (w, "hostname", "casco");
  write_mounts (w, rootless);
  write_linux (w, rootless);
  jw_obj_close (w);
  return jw_finish_line (w);
}

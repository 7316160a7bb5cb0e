/* The config.json that `casco spec` writes: runc's default shape, hardened
   (read-only root, no_new_privs, the three usual capabilities, masked paths). */
#include <string.h>
#include <unistd.h>

#include "casco/json.h"
#include "casco/spec.h"
#include "casco/util.h"

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
id_mapping (json_writer *w, const char *key, unsigned host_id)
{
  jw_key (w, key);
  jw_arr_open (w);
  jw_obj_open (w);
  jw_kv_int (w, "containerID", 0);
  jw_kv_int (w, "hostID", host_id);
  jw_kv_int (w, "size", 1);
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
  if (rootless)
    {
      id_mapping (w, "uidMappings", (unsigned) geteuid ());
      id_mapping (w, "gidMappings", (unsigned) getegid ());
    }
  jw_key (w, "namespaces");
  jw_arr_open (w);
  static const char *const base[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
  for (const char *const *t = base; *t; t++)
    {
      /* rootless shares the host network: an unprivileged user could not
         give a new network namespace any interface but lo */
      if (rootless && strcmp (*t, "network") == 0)
        continue;
      jw_obj_open (w);
      jw_kv_str (w, "type", *t);
      jw_obj_close (w);
    }
  if (rootless)
    {
      jw_obj_open (w);
      jw_kv_str (w, "type", "user");
      jw_obj_close (w);
    }
  jw_arr_close (w);
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
  size_t len;
  char *text = jw_finish (w, &len);
  text = xrealloc (text, len + 2);
  text[len] = '\n';
  text[len + 1] = '\0';
  return text;
}

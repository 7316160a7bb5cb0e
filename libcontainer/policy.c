/* Secure defaults for fields a config leaves out. */
#include "casco/log.h"
#include "casco/util.h"
#include "policy.h"

/* The same sets runc's `spec` writes and Docker applies: kernel data that
   leaks host details or allows host-wide effects through /proc and /sys. */
static const char *const default_masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
  "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
  "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

static const char *const default_readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* What a process needs to be an ordinary service; everything else is opt-in. */
static const char *const default_caps[] = {
  "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

void
policy_apply_defaults (struct spec *s)
{
  struct spec_process *p = s->process;
  if (p && !p->has_no_new_privileges)
    {
      p->has_no_new_privileges = p->no_new_privileges = true;
      casco_debug ("process.noNewPrivileges absent: defaulting to true");
    }
  if (p && p->capabilities == NULL)
    {
      p->capabilities = xmalloc0 (sizeof *p->capabilities);
      p->capabilities->bounding = strv_dup ((char *const *) default_caps);
      p->capabilities->effective = strv_dup ((char *const *) default_caps);
      p->capabilities->permitted = strv_dup ((char *const *) default_caps);
      casco_debug ("process.capabilities absent: defaulting to AUDIT_WRITE, KILL, NET_BIND_SERVICE");
    }
  if (s->linux_ && s->linux_->masked_paths == NULL)
    {
      s->linux_->masked_paths = strv_dup ((char *const *) default_masked_paths);
      casco_debug ("linux.maskedPaths absent: defaulting to the standard set");
    }
  if (s->linux_ && s->linux_->readonly_paths == NULL)
    {
      s->linux_->readonly_paths = strv_dup ((char *const *) default_readonly_paths);
      casco_debug ("linux.readonlyPaths absent: defaulting to the standard set");
    }
}

void
policy_default_pids (struct spec *s)
{
  if (s->linux_ == NULL || s->linux_->resources.has_pids)
    return;
  s->linux_->resources.present = true;
  s->linux_->resources.has_pids = true;
  s->linux_->resources.pids_limit = POLICY_DEFAULT_PIDS_LIMIT;
  casco_debug ("linux.resources.pids absent: defaulting to %d", POLICY_DEFAULT_PIDS_LIMIT);
}

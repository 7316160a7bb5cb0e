/* AppArmor / SELinux exec labels. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/log.h"
#include "util.h"
#include "lsm.h"

static bool
apparmor_enabled (void)
{
  _cleanup_free_ char *text = NULL;
  return read_file_at (AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &text, NULL, NULL) == 0
         && text[0] == 'Y';
}

static bool
selinux_enabled (void)
{
  struct stat sb;
  return stat ("/sys/fs/selinux/enforce", &sb) == 0;
}

int
lsm_check (const struct spec *s, const struct spec_process *p, struct casco_error **err)
{
  if (p->apparmor_profile && *p->apparmor_profile && !apparmor_enabled ())
    return casco_error_config (err, "process.apparmorProfile",
                               "AppArmor is not enabled on this host, so profile \"%s\" cannot be "
                               "applied; remove the field to run without it", p->apparmor_profile);
  if (p->selinux_label && *p->selinux_label && !selinux_enabled ())
    return casco_error_config (err, "process.selinuxLabel",
                               "selinux label is specified in config, but selinux is disabled or "
                               "not supported on this host; remove the field to run without it");
  if (s->linux_ && s->linux_->mount_label && *s->linux_->mount_label && !selinux_enabled ())
    casco_debug ("linux.mountLabel ignored: SELinux is not enabled");
  return 0;
}

int
lsm_prepare (const struct spec_process *p, struct lsm_plan *plan, struct casco_error **err)
{
  const char *file = NULL;
  if (p->apparmor_profile && *p->apparmor_profile)
    {
      /* the AppArmor-specific file when the kernel has it (stacked LSMs) */
      file = access ("/proc/thread-self/attr/apparmor/exec", F_OK) == 0 ? "attr/apparmor/exec"
                                                                       : "attr/exec";
      plan->value = xasprintf ("exec %s", p->apparmor_profile);
    }
  else if (p->selinux_label && *p->selinux_label)
    {
      file = "attr/exec";
      plan->value = xstrdup (p->selinux_label);
    }
  if (file == NULL)
    return 0;
  /* Our own task's file in the host's procfs: trusted, and still ours at exec. */
  _cleanup_free_ char *path = xasprintf ("/proc/thread-self/%s", file);
  plan->attr_fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (plan->attr_fd < 0)
    return casco_error_set (err, errno, "open %s", path);
  return 0;
}

int
lsm_apply (struct lsm_plan *plan, struct casco_error **err)
{
  if (plan->attr_fd < 0)
    return 0;
  size_t len = strlen (plan->value);
  if (write (plan->attr_fd, plan->value, len) != (ssize_t) len)
    return casco_error_set (err, errno, "set LSM label \"%s\"", plan->value);
  closep (&plan->attr_fd);
  return 0;
}

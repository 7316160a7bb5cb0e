/* Capabilities via libcap: bounding, effective, inheritable, permitted, ambient. */
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "util.h"
#include "weaken.h"
#include "caps.h"

/* Highest capability the running kernel knows. */
static int
kernel_last_cap (void)
{
  static int last = -1;
  if (last < 0)
    {
      _cleanup_free_ char *text = NULL;
      long v;
      if (read_file_at (-100 /* AT_FDCWD */, "/proc/sys/kernel/cap_last_cap", &text, NULL, NULL) == 0
          && (text[strcspn (text, "\n")] = '\0', parse_long (text, &v) == 0))
        last = (int) v;
      else
        last = CAP_LAST_CAP;
    }
  return last;
}

/* The kernel's names, by number (uapi linux/capability.h), including those
   newer than some kernels casco runs on: a config may name one the running
   kernel lacks, which is then dropped with a warning rather than refused. */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

int
caps_from_name (const char *name)
{
  /* Exact kernel spelling only.  libcap's cap_from_name also takes "21",
     "cap_sys_admin" and trailing blanks: a rule that compares names would
     miss those, so no spelling but the canonical one ever reaches a mask. */
  for (size_t i = 0; name && i < sizeof cap_names / sizeof cap_names[0]; i++)
    if (strcmp (name, cap_names[i]) == 0)
      return (int) i;
  return -1;
}

const char *
caps_name (int cap)
{
  return cap >= 0 && (size_t) cap < sizeof cap_names / sizeof cap_names[0] ? cap_names[cap] : NULL;
}

static int
unknown_name (const char *set_name, size_t i, const char *name, struct casco_error **err)
{
  char jpath[80];
  snprintf (jpath, sizeof jpath, "process.capabilities.%s[%zu]", set_name, i);
  return casco_error_config (err, jpath, "unknown capability \"%s\": write the kernel's exact name, "
                             "upper case with the CAP_ prefix and nothing around it "
                             "(\"CAP_NET_BIND_SERVICE\"); numbers and other spellings are refused",
                             name);
}

static int
check_set (char **names, const char *set_name, struct casco_error **err)
{
  for (size_t i = 0; names && names[i]; i++)
    if (caps_from_name (names[i]) < 0)
      return unknown_name (set_name, i, names[i], err);
  return 0;
}

int
caps_check_names (const struct spec_capabilities *caps, struct casco_error **err)
{
  if (caps == NULL)
    return 0;
  if (check_set (caps->bounding, "bounding", err) < 0
      || check_set (caps->effective, "effective", err) < 0
      || check_set (caps->inheritable, "inheritable", err) < 0
      || check_set (caps->permitted, "permitted", err) < 0
      || check_set (caps->ambient, "ambient", err) < 0)
    return -1;
  return 0;
}

static int
resolve_set (char **names, const char *set_name, uint64_t *mask, struct casco_error **err)
{
  *mask = 0;
  for (size_t i = 0; names && names[i]; i++)
    {
      int cap = caps_from_name (names[i]);
      if (cap < 0)
        return unknown_name (set_name, i, names[i], err);
      if (cap > kernel_last_cap () || cap > 63)
        {
          casco_warn ("process.capabilities.%s: %s is not known to this kernel; dropped",
                      set_name, names[i]);
          continue;
        }
      *mask |= UINT64_C (1) << cap;
    }
  return 0;
}

int
caps_resolve (const struct spec_capabilities *caps, struct cap_sets *out, struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  if (caps == NULL)
    return 0;
  if (resolve_set (caps->bounding, "bounding", &out->bounding, err) < 0
      || resolve_set (caps->effective, "effective", &out->effective, err) < 0
      || resolve_set (caps->inheritable, "inheritable", &out->inheritable, err) < 0
      || resolve_set (caps->permitted, "permitted", &out->permitted, err) < 0
      || resolve_set (caps->ambient, "ambient", &out->ambient, err) < 0)
    return -1;
  return 0;
}

/* --explain: "cap_kill,cap_net_bind_service=eip" (libcap's text form). */
static char *
caps_text_now (void)
{
  cap_t now = cap_get_proc ();
  char *text = now ? cap_to_text (now, NULL) : NULL;
  char *copy = xstrdup (text ? text : "?");
  cap_free (text);
  cap_free (now);
  return copy;
}

static char *
caps_names (uint64_t mask)
{
  char *list = xstrdup ("");
  for (int c = 0; c <= kernel_last_cap () && c < 64; c++)
    if (mask & (UINT64_C (1) << c))
      {
        /* libcap's lowercase, as in the "capabilities after" text beside it */
        char *name = cap_to_name (c);
        char *longer = xasprintf ("%s%s%s", list, list[0] ? "," : "", name ? name : "?");
        cap_free (name);
        free (list);
        list = longer;
      }
  if (list[0] == '\0')
    {
      free (list);
      list = xstrdup ("(none)");
    }
  return list;
}

int
caps_drop_bounding (const struct cap_sets *s, struct casco_error **err)
{
  if (casco_explain_enabled)
    {
      _cleanup_free_ char *now = caps_text_now ();
      casco_explain_line (EXPLAIN_D04, "capabilities before: \"%s\" (what the setup process holds)", now);
    }
  /* Needs CAP_SETPCAP, which we still hold: done before the uid switch. */
  for (int cap = 0; cap <= kernel_last_cap (); cap++)
    {
      if (s->bounding & (UINT64_C (1) << cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        return casco_error_set (err, errno, "drop capability %d from the bounding set", cap);
    }
  return 0;
}

int
caps_keep_across_setuid (struct casco_error **err)
{
  /* Without this, setuid to a non-zero uid clears the permitted set. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return casco_error_set (err, errno, "keep capabilities across setuid");
  return 0;
}

static int
add_flags (cap_t caps, cap_flag_t flag, uint64_t mask, struct casco_error **err)
{
  for (int c = 0; c <= kernel_last_cap () && c < 64; c++)
    {
      if (!(mask & (UINT64_C (1) << c)))
        continue;
      cap_value_t v = c;
      if (cap_set_flag (caps, flag, 1, &v, CAP_SET) < 0)
        return casco_error_set (err, errno, "cap_set_flag %d", c);
    }
  return 0;
}

/* "CAP_A", "CAP_B": the config's own spelling of mask. */
static char *
config_names (uint64_t mask)
{
  char *list = xstrdup ("");
  for (int c = 0; c < 64; c++)
    if (mask & (UINT64_C (1) << c))
      {
        const char *name = caps_name (c);
        char *longer = xasprintf ("%s%s\"%s\"", list, list[0] ? ", " : "", name ? name : "?");
        free (list);
        list = longer;
      }
  return list;
}

/* What the caller can change when capset fails: a set the config asks
   for that the kernel cannot give, named. */
static int
caps_apply_error (const struct cap_sets *s, int errno_, struct casco_error **err)
{
  if (s->effective & ~s->permitted)
    {
      _cleanup_free_ char *names = config_names (s->effective & ~s->permitted);
      return casco_error_config (err, "process.capabilities.effective", "%s: not in .permitted, and the "
                                 "effective set must be a subset of it: add them to .permitted or remove them",
                                 names);
    }
  uint64_t held = 0;
  cap_t now = cap_get_proc ();
  for (int c = 0; now && c <= kernel_last_cap () && c < 64; c++)
    {
      cap_flag_value_t v = CAP_CLEAR;
      if (cap_get_flag (now, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
        held |= UINT64_C (1) << c;
    }
  if (now)
    cap_free (now);
  uint64_t missing = s->permitted & ~held;
  if (errno_ == EPERM && missing)
    {
      _cleanup_free_ char *names = config_names (missing);
      return casco_error_config (err, "process.capabilities.permitted", "%s: the runtime itself does not hold "
                                 "this on this host (its bounding set lacks it), so no container process can: "
                                 "remove it from process.capabilities", names);
    }
  return casco_error_set (err, errno_, "set capabilities");
}

int
caps_apply (const struct cap_sets *s, struct casco_error **err)
{
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return casco_error_set (err, errno, "reset keep-capabilities");
  cap_t caps = cap_init ();   /* all clear: nothing is inherited from casco */
  if (caps == NULL)
    return casco_error_set (err, errno, "cap_init");
  int rc = 0;
  if (add_flags (caps, CAP_EFFECTIVE, s->effective, err) < 0
      || add_flags (caps, CAP_PERMITTED, s->permitted, err) < 0
#ifdef CASCO_WEAKEN_CAPS_INHERITABLE
      /* prove-red: inheritable = the whole bounding set (CVE-2022-29162) */
      || add_flags (caps, CAP_INHERITABLE, s->inheritable | s->bounding, err) < 0)
#else
      || add_flags (caps, CAP_INHERITABLE, s->inheritable, err) < 0)
#endif
    rc = -1;
  else if (cap_set_proc (caps) < 0)
    rc = caps_apply_error (s, errno, err);
  cap_free (caps);
  if (rc < 0)
    return -1;
  /* Ambient last: each one must already be permitted and inheritable. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return casco_error_set (err, errno, "clear ambient capabilities");
  for (int c = 0; c <= kernel_last_cap () && c < 64; c++)
    if ((s->ambient & (UINT64_C (1) << c))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      return casco_error_set (err, errno, "raise ambient capability %d (must also be permitted and inheritable)", c);
  if (casco_explain_enabled)
    {
      _cleanup_free_ char *now = caps_text_now ();
      _cleanup_free_ char *bounding = caps_names (s->bounding);
      casco_explain_line (EXPLAIN_D04, "capabilities after: \"%s\"; bounding set %s: no other "
                          "capability can be regained, even by a setuid binary", now, bounding);
    }
  return 0;
}

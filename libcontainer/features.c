/* `casco features`: what this casco implements, in the runtime-spec's
   features.json shape, so an engine can check before it asks. */
#include <seccomp.h>
#include <sys/capability.h>

#include "casco/features.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "mount_options.h"

static void
capabilities (json_writer *w)
{
  jw_key (w, "capabilities");
  jw_arr_open (w);
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      char *name = cap_to_name (c);   /* "cap_chown" */
      if (name == NULL)
        continue;
      char upper[64];
      size_t i = 0;
      for (; name[i] && i < sizeof upper - 1; i++)
        upper[i] = (char) (name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
      upper[i] = '\0';
      cap_free (name);
      jw_str (w, upper);
    }
  jw_arr_close (w);
}

static void
seccomp_features (json_writer *w)
{
  jw_key (w, "seccomp");
  jw_obj_open (w);
  jw_kv_bool (w, "enabled", true);
  jw_kv_strv (w, "actions", (const char *const[]){
      "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
      "SCMP_ACT_TRAP", NULL });
  jw_kv_strv (w, "operators", (const char *const[]){
      "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
      "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL });
  jw_kv_strv (w, "archs", (const char *const[]){
      "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
      "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
      "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
      "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
      "SCMP_ARCH_X86_64", NULL });
  static const char *const flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                       "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
  jw_kv_strv (w, "knownFlags", flags);
  jw_kv_strv (w, "supportedFlags", flags);
  jw_obj_close (w);
}

static void
enabled_obj (json_writer *w, const char *key, bool enabled)
{
  jw_key (w, key);
  jw_obj_open (w);
  jw_kv_bool (w, "enabled", enabled);
  jw_obj_close (w);
}

char *
features_json (enum policy_level level)
{
  json_writer *w = jw_new (true);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersionMin", "1.0.0");
  jw_kv_str (w, "ociVersionMax", CASCO_SPEC_VERSION);
  jw_kv_strv (w, "hooks", (const char *const[]){ "prestart", "createRuntime", "createContainer",
                                                "startContainer", "poststart", "poststop", NULL });
  _cleanup_strv_ char **options = mount_option_names ();
  jw_kv_strv (w, "mountOptions", (const char *const *) options);
  jw_key (w, "linux");
  jw_obj_open (w);
  jw_kv_strv (w, "namespaces", (const char *const[]){ "cgroup", "ipc", "mount", "network", "pid",
                                                     "time", "user", "uts", NULL });
  capabilities (w);
  jw_key (w, "cgroup");
  jw_obj_open (w);
  jw_kv_bool (w, "v1", false);
  jw_kv_bool (w, "v2", true);
  jw_kv_bool (w, "systemd", false);
  jw_kv_bool (w, "systemdUser", false);
  jw_kv_bool (w, "rdma", true);
  jw_obj_close (w);
  seccomp_features (w);
  enabled_obj (w, "apparmor", true);
  enabled_obj (w, "selinux", true);
  enabled_obj (w, "intelRdt", false);
  jw_key (w, "mountExtensions");
  jw_obj_open (w);
  enabled_obj (w, "idmap", false);
  jw_obj_close (w);
  jw_obj_close (w);
  jw_key (w, "annotations");
  jw_obj_open (w);
  const struct scmp_version *v = seccomp_version ();
  _cleanup_free_ char *ver = xasprintf ("%u.%u.%u", v->major, v->minor, v->micro);
  jw_kv_str (w, "io.github.seccomp.libseccomp.version", ver);
  jw_kv_str (w, "org.opencontainers.runc.checkpoint.enabled", "false");
  jw_kv_str (w, "io.casco.version", PACKAGE_VERSION);
  jw_kv_str (w, "io.casco.policy.level", policy_level_name (level));
  jw_obj_close (w);
  jw_obj_close (w);
  return jw_finish (w, NULL);
}

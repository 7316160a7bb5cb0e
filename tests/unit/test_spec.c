/* Unit tests for config.json parsing (spec.c) and structural validation
   (validate.c): real configs from `runc spec`, a config touching every
   section, and one test per way a config can be wrong. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "util.h"
#include "unit.h"

/* ---- helpers ---------------------------------------------------------- */

/* Parse; return the spec or NULL (printing the error as a TAP comment). */
static struct spec *
parse_ok (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = NULL;
  if (spec_parse (json, strlen (json), &s, &err) < 0)
    {
      _cleanup_free_ char *t = casco_error_text (err);
      printf ("#   unexpected parse error: %s\n", t);
      return NULL;
    }
  return s;
}

/* The parse error text, or NULL when it parsed. */
static char *
parse_err (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = (struct spec *) 1;
  if (spec_parse (json, strlen (json), &s, &err) == 0)
    {
      spec_free (s);
      return NULL;
    }
  /* A failed parse hands nothing out. */
  CHECK (s == NULL);
  CHECK (err != NULL);
  return casco_error_text (err);
}

/* Parse (must succeed) and validate: the error text, or NULL when valid. */
static char *
validate_err (const char *json_q)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = parse_ok (json_q);
  if (s == NULL)
    return xstrdup ("(parse failed)");
  _cleanup_error_ struct casco_error *err = NULL;
  if (spec_validate (s, &err) == 0)
    return NULL;
  return casco_error_text (err);
}

/* A valid config with hooks for the part under test. */
#define BASE "'ociVersion': '1.2.0', 'root': {'path': 'rootfs'}"
#define PROC "'process': {'args': ['sh'], 'cwd': '/'}"

static char *
fixture_path (const char *name)
{
  const char *srcdir = getenv ("srcdir");
  if (srcdir)
    return xasprintf ("%s/tests/unit/fixtures/%s", srcdir, name);
  /* Run by hand: find the fixtures next to this source file. */
  _cleanup_free_ char *dir = xstrdup (__FILE__);
  char *slash = strrchr (dir, '/');
  if (slash == NULL)
    return xasprintf ("fixtures/%s", name);
  *slash = '\0';
  return xasprintf ("%s/fixtures/%s", dir, name);
}

static struct spec *
load_fixture (const char *name)
{
  _cleanup_free_ char *path = fixture_path (name);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = NULL;
  if (read_file_at (AT_FDCWD, path, &text, &len, &err) < 0 || spec_parse (text, len, &s, &err) < 0)
    {
      _cleanup_free_ char *t = casco_error_text (err);
      printf ("#   %s: %s\n", path, t);
      return NULL;
    }
  return s;
}

static bool
valid (const struct spec *s)
{
  _cleanup_error_ struct casco_error *err = NULL;
  if (spec_validate (s, &err) == 0)
    return true;
  _cleanup_free_ char *t = casco_error_text (err);
  printf ("#   unexpected validation error: %s\n", t);
  return false;
}

/* ---- whole configs ---------------------------------------------------- */

static void
runc_default_config (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("runc-spec.json");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (valid (s));
  CHECK_STR (s->oci_version, "1.0.2-dev");
  CHECK (s->process && s->process->terminal);
  CHECK_STR (s->process->args[0], "sh");
  CHECK (s->process->args[1] == NULL);
  CHECK_STR (s->process->cwd, "/");
  CHECK (strv_len (s->process->env) == 2);
  CHECK (s->process->user.uid == 0 && s->process->user.gid == 0 && !s->process->user.has_umask);
  CHECK (s->process->capabilities && strv_len (s->process->capabilities->bounding) == 3);
  CHECK (s->process->capabilities->inheritable == NULL);
  CHECK (s->process->n_rlimits == 1);
  CHECK (s->process->rlimits[0].resource == RLIMIT_NOFILE);
  CHECK (s->process->rlimits[0].soft == 1024 && s->process->rlimits[0].hard == 1024);
  CHECK (s->process->has_no_new_privileges && s->process->no_new_privileges);
  CHECK (!s->process->has_oom_score_adj);
  CHECK (s->root && s->root->readonly);
  CHECK_STR (s->root->path, "rootfs");
  CHECK_STR (s->hostname, "runc");
  CHECK (s->n_mounts == 7);
  CHECK_STR (s->mounts[6].destination, "/sys/fs/cgroup");
  CHECK (strv_len (s->mounts[1].options) == 4);
  CHECK (s->mounts[0].options == NULL);
  CHECK (s->linux_ != NULL);
  CHECK (s->linux_->n_namespaces == 5);
  CHECK (s->linux_->namespaces[0].type == SPEC_NS_PID && s->linux_->namespaces[0].path == NULL);
  CHECK (spec_find_namespace (s, SPEC_NS_USER) == NULL);
  CHECK (s->linux_->resources.present && s->linux_->resources.n_devices == 1);
  CHECK (!s->linux_->resources.devices[0].allow);
  CHECK (s->linux_->resources.devices[0].type == 'a');
  CHECK (!s->linux_->resources.devices[0].has_major);
  CHECK_STR (s->linux_->resources.devices[0].access, "rwm");
  CHECK (strv_len (s->linux_->masked_paths) == 10);
  CHECK (strv_len (s->linux_->readonly_paths) == 5);
  CHECK (s->linux_->seccomp == NULL);
}

static void
runc_rootless_config (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("runc-spec-rootless.json");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (valid (s));
  CHECK (spec_find_namespace (s, SPEC_NS_USER) != NULL);
  CHECK (spec_find_namespace (s, SPEC_NS_NETWORK) == NULL);
  CHECK (s->linux_->n_uid_mappings == 1 && s->linux_->n_gid_mappings == 1);
  CHECK (s->linux_->uid_mappings[0].size == 1);
}

static void
maximal_config_process (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("maximal.json");
  CHECK (s != NULL && s->process != NULL);
  if (s == NULL || s->process == NULL)
    return;
  const struct spec_process *p = s->process;
  CHECK (p->console_size.present && p->console_size.height == 25 && p->console_size.width == 80);
  CHECK (p->user.uid == 1000 && p->user.gid == 1001);
  CHECK (p->user.has_umask && p->user.umask == 022);
  CHECK (p->user.n_additional_gids == 2 && p->user.additional_gids[1] == UINT32_MAX);
  CHECK_STR (p->user.username, "builder");
  CHECK (strv_len (p->args) == 3);
  CHECK_STR (p->command_line, "sh -c \"echo hi\"");
  CHECK_STR (p->env[2], "EMPTY=");
  CHECK_STR (p->cwd, "/work");
  CHECK (p->capabilities->inheritable != NULL && p->capabilities->inheritable[0] == NULL);
  CHECK_STR (p->capabilities->ambient[0], "CAP_KILL");
  CHECK (p->n_rlimits == 2 && p->rlimits[1].resource == RLIMIT_CORE);
  CHECK (p->rlimits[1].hard == UINT64_MAX);
  CHECK_STR (p->apparmor_profile, "casco-default");
  CHECK (p->has_oom_score_adj && p->oom_score_adj == -500);
  CHECK_STR (p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  CHECK (p->scheduler.present);
  CHECK_STR (p->scheduler.policy, "SCHED_DEADLINE");
  CHECK (p->scheduler.nice == -5 && p->scheduler.runtime == 10000000);
  CHECK (p->scheduler.deadline == 20000000 && p->scheduler.period == 30000000);
  CHECK_STR (p->scheduler.flags[0], "SCHED_FLAG_RESET_ON_FORK");
  CHECK (p->io_priority.present && p->io_priority.priority == 4);
  CHECK_STR (p->io_priority.class_, "IOPRIO_CLASS_BE");
  CHECK_STR (p->exec_cpu_affinity.initial, "0-3");
  CHECK_STR (p->exec_cpu_affinity.final, "7");
}

static void
maximal_config_top_level (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("maximal.json");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (valid (s));
  CHECK_STR (s->domainname, "example.org");
  CHECK (s->n_mounts == 2 && s->mounts[1].n_uid_mappings == 1 && s->mounts[1].n_gid_mappings == 1);
  CHECK (s->mounts[1].uid_mappings[0].host_id == 100000 && s->mounts[1].uid_mappings[0].size == 65536);
  const struct spec_hooks *h = &s->hooks;
  CHECK (h->n_prestart == 1 && h->n_create_runtime == 1 && h->n_create_container == 1);
  CHECK (h->n_start_container == 1 && h->n_poststart == 2 && h->n_poststop == 1);
  CHECK (h->create_runtime[0].has_timeout && h->create_runtime[0].timeout == 5);
  CHECK (!h->prestart[0].has_timeout && h->prestart[0].args == NULL);
  CHECK_STR (h->create_runtime[0].args[1], "--up");
  CHECK_STR (h->create_runtime[0].env[0], "A=1");
  CHECK_STR (h->poststop[0].path, "/usr/bin/cleanup");
  CHECK (s->n_annotations == 2);
  CHECK_STR (s->annotations[0].key, "org.example.key");
  CHECK_STR (s->annotations[0].value, "value");
}

static void
maximal_config_linux (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("maximal.json");
  CHECK (s != NULL && s->linux_ != NULL);
  if (s == NULL || s->linux_ == NULL)
    return;
  const struct spec_linux *l = s->linux_;
  CHECK (l->n_namespaces == 8);
  CHECK_STR (spec_find_namespace (s, SPEC_NS_NETWORK)->path, "/var/run/netns/blue");
  CHECK (spec_find_namespace (s, SPEC_NS_TIME) != NULL);
  CHECK (l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 1000);
  CHECK (l->time_monotonic.present && l->time_monotonic.secs == -86400);
  CHECK (l->time_monotonic.nanosecs == 500);
  CHECK (l->time_boottime.present && l->time_boottime.secs == 3600);
  CHECK (l->n_devices == 3 && l->devices[0].type == 'c' && l->devices[0].major == 10);
  CHECK (l->devices[0].minor == 229 && l->devices[0].has_file_mode && l->devices[0].file_mode == 0666);
  CHECK (l->devices[0].has_uid && l->devices[0].has_gid);
  CHECK (l->devices[1].type == 'b' && !l->devices[1].has_file_mode);
  CHECK (l->devices[2].type == 'p');
  CHECK_STR (l->cgroups_path, "/casco/maximal");
  CHECK_STR (l->rootfs_propagation, "rslave");
  CHECK (l->n_sysctl == 2);
  CHECK_STR (l->sysctl[0].key, "net.ipv4.ip_forward");
  CHECK (l->masked_paths != NULL && l->masked_paths[0] == NULL);
  CHECK_STR (l->readonly_paths[0], "/proc/sys");
  CHECK_STR (l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK (l->personality.present && l->personality.flags && l->personality.flags[0] == NULL);
  CHECK_STR (l->personality.domain, "LINUX32");
  CHECK (l->intel_rdt.present && l->intel_rdt.enable_cmt && l->intel_rdt.enable_mbm);
  CHECK_STR (l->intel_rdt.clos_id, "guaranteed");
  CHECK_STR (l->intel_rdt.l3_cache_schema, "L3:0=7f0;1=1f");
  CHECK_STR (l->intel_rdt.mem_bw_schema, "MB:0=20;1=70");
  CHECK (l->n_net_devices == 2);
  CHECK_STR (l->net_devices[0].host_name, "eth1");
  CHECK_STR (l->net_devices[0].name, "ctr0");
  CHECK (l->net_devices[1].name == NULL);
}

static void
maximal_config_resources (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("maximal.json");
  CHECK (s != NULL && s->linux_ != NULL);
  if (s == NULL || s->linux_ == NULL)
    return;
  const struct spec_resources *r = &s->linux_->resources;
  CHECK (r->present && r->n_devices == 3);
  CHECK (r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].has_major);
  CHECK (r->devices[1].major == 10 && r->devices[1].minor == 229);
  CHECK (r->devices[2].has_major && !r->devices[2].has_minor && r->devices[2].access == NULL);
  CHECK (r->has_memory && r->memory.has_limit && r->memory.limit == INT64_MAX);
  CHECK (r->memory.has_swap && r->memory.swap == -1);
  CHECK (r->memory.has_kernel && r->memory.kernel == 0);
  CHECK (r->memory.has_swappiness && r->memory.swappiness == 60);
  CHECK (r->memory.has_disable_oom_killer && !r->memory.disable_oom_killer);
  CHECK (r->memory.has_check_before_update && r->memory.check_before_update);
  CHECK (r->has_cpu && r->cpu.has_shares && r->cpu.shares == 1024);
  CHECK (r->cpu.has_quota && r->cpu.quota == -1 && r->cpu.has_burst && r->cpu.burst == 1000);
  CHECK (r->cpu.realtime_runtime == 950000 && r->cpu.realtime_period == 1000000);
  CHECK (r->cpu.has_idle && r->cpu.idle == 1);
  CHECK_STR (r->cpu.cpus, "0-3");
  CHECK (r->has_pids && r->pids_limit == 100);
  CHECK (r->has_block_io && r->block_io.weight == 500 && r->block_io.leaf_weight == 300);
  CHECK (r->block_io.n_weight_device == 2 && r->block_io.weight_device[1].has_weight);
  CHECK (!r->block_io.weight_device[1].has_leaf_weight);
  CHECK (r->block_io.n_throttle_write_iops == 1 && r->block_io.throttle_write_iops[0].rate == 200);
  CHECK (r->block_io.throttle_read_bps[0].rate == 1048576);
  CHECK (r->n_hugepage_limits == 2 && r->hugepage_limits[0].limit == 209715200);
  CHECK_STR (r->hugepage_limits[1].page_size, "1GB");
  CHECK (r->n_rdma == 2 && r->rdma[0].has_hca_handles && r->rdma[0].hca_objects == 10000);
  CHECK (!r->rdma[1].has_hca_handles);
  CHECK_STR (r->rdma[1].device, "mlx4_0");
  CHECK (r->n_unified == 2);
  CHECK_STR (r->unified[1].value, "default 100");
}

static void
maximal_config_seccomp (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture ("maximal.json");
  CHECK (s != NULL && s->linux_ != NULL && s->linux_->seccomp != NULL);
  if (s == NULL || s->linux_ == NULL || s->linux_->seccomp == NULL)
    return;
  const struct spec_seccomp *sc = s->linux_->seccomp;
  CHECK_STR (sc->default_action, "SCMP_ACT_ERRNO");
  CHECK (sc->has_default_errno_ret && sc->default_errno_ret == 1);
  CHECK (strv_len (sc->architectures) == 2 && strv_len (sc->flags) == 1);
  CHECK_STR (sc->listener_path, "/run/seccomp-agent.sock");
  CHECK_STR (sc->listener_metadata, "pod=p1");
  CHECK (sc->n_syscalls == 3);
  CHECK (strv_len (sc->syscalls[0].names) == 2 && !sc->syscalls[0].has_errno_ret);
  CHECK (sc->syscalls[2].has_errno_ret && sc->syscalls[2].errno_ret == 38);
  CHECK (sc->syscalls[2].n_args == 2);
  CHECK (sc->syscalls[2].args[1].index == 1 && sc->syscalls[2].args[1].value == 255);
  CHECK (sc->syscalls[2].args[1].value_two == UINT64_MAX);
  CHECK_STR (sc->syscalls[2].args[1].op, "SCMP_CMP_MASKED_EQ");
}

static void
minimal_config (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = parse_ok ("{" BASE "}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (valid (s));
  CHECK (s->process == NULL && s->linux_ == NULL && s->n_mounts == 0 && s->hostname == NULL);
  CHECK (spec_find_namespace (s, SPEC_NS_PID) == NULL);
}

/* ---- required fields -------------------------------------------------- */

static void
missing_oci_version (void)
{
  _cleanup_free_ char *e = validate_err ("{'root': {'path': 'r'}}");
  CHECK_CONTAINS (e, "ociVersion: required field is missing");
}

static void
unsupported_oci_version (void)
{
  _cleanup_free_ char *e = validate_err ("{'ociVersion': '2.0.0', 'root': {'path': 'r'}}");
  CHECK_STR (e, "ociVersion: unsupported version \"2.0.0\": casco implements 1.x");
  _cleanup_free_ char *e0 = validate_err ("{'ociVersion': '0.5.0', 'root': {'path': 'r'}}");
  CHECK_CONTAINS (e0, "unsupported version \"0.5.0\"");
  _cleanup_free_ char *e1 = validate_err ("{'ociVersion': '10.0.0', 'root': {'path': 'r'}}");
  CHECK_CONTAINS (e1, "unsupported version \"10.0.0\"");
  _cleanup_free_ char *bad = validate_err ("{'ociVersion': 'latest', 'root': {'path': 'r'}}");
  CHECK_CONTAINS (bad, "ociVersion: \"latest\" is not a version");
  _cleanup_free_ char *ok = validate_err ("{'ociVersion': '1.1.0+dev', 'root': {'path': 'r'}}");
  CHECK (ok == NULL);
}

static void
missing_root (void)
{
  _cleanup_free_ char *e = validate_err ("{'ociVersion': '1.2.0'}");
  CHECK_CONTAINS (e, "root: required field is missing");
  _cleanup_free_ char *e2 = validate_err ("{'ociVersion': '1.2.0', 'root': {'readonly': true}}");
  CHECK_CONTAINS (e2, "root.path: required field is missing");
}

static void
missing_or_empty_args (void)
{
  _cleanup_free_ char *e = validate_err ("{" BASE ", 'process': {'cwd': '/'}}");
  CHECK_CONTAINS (e, "process.args: must name the program to run");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'process': {'cwd': '/', 'args': []}}");
  CHECK_CONTAINS (e2, "process.args: must name the program to run");
  _cleanup_free_ char *e3 = validate_err ("{" BASE ", 'process': {'cwd': '/', 'args': ['']}}");
  CHECK_CONTAINS (e3, "process.args[0]: must not be empty");
}

static void
missing_or_relative_cwd (void)
{
  _cleanup_free_ char *e = validate_err ("{" BASE ", 'process': {'args': ['sh']}}");
  CHECK_CONTAINS (e, "process.cwd: required field is missing");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'process': {'args': ['sh'], 'cwd': 'tmp'}}");
  CHECK_CONTAINS (e2, "process.cwd: \"tmp\" is not an absolute path");
}

static void
mount_destination_rules (void)
{
  _cleanup_free_ char *e = validate_err (
      "{" BASE ", 'mounts': [{'destination': '/a'}, {'destination': '/b'}, {'destination': '/c'},"
      " {'destination': 'rel', 'type': 'tmpfs'}]}");
  CHECK_CONTAINS (e, "mounts[3].destination: \"rel\" is not an absolute path");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'mounts': [{'type': 'tmpfs'}]}");
  CHECK_CONTAINS (e2, "mounts[0].destination: required field is missing");
}

static void
device_number_ranges (void)
{
  _cleanup_free_ char *e = validate_err (
      "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': -1, 'minor': 3}]}}");
  CHECK_CONTAINS (e, "linux.devices[0].major: -1 is not a device major number (0 to 4095)");
  _cleanup_free_ char *e2 = validate_err (
      "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'b', 'major': 7, 'minor': 1048576}]}}");
  CHECK_CONTAINS (e2, "linux.devices[0].minor: 1048576 is not a device minor number (0 to 1048575)");
  _cleanup_free_ char *ok = validate_err (
      "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': 4095, 'minor': 1048575},"
      " {'path': '/dev/f', 'type': 'p'}]}}");
  CHECK (ok == NULL);
}

/* ---- types and ranges ------------------------------------------------- */

static void
wrong_type_messages (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'ociVersion': 1}");
  CHECK_STR (e1, "ociVersion: expected a string, got number");
  _cleanup_free_ char *e2 = parse_err ("{'process': {'user': {'uid': '0'}}}");
  CHECK_STR (e2, "process.user.uid: expected a non-negative integer, got string");
  _cleanup_free_ char *e3 = parse_err ("{'process': 'sh'}");
  CHECK_STR (e3, "process: expected an object, got string");
  _cleanup_free_ char *e4 = parse_err ("{'process': {'terminal': 'yes'}}");
  CHECK_STR (e4, "process.terminal: expected a boolean, got string");
  _cleanup_free_ char *e5 = parse_err ("{'process': {'args': 'sh'}}");
  CHECK_STR (e5, "process.args: expected an array, got string");
}

static void
wrong_type_deep_paths (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'linux': {'resources': {'memory': {'limit': '1G'}}}}");
  CHECK_STR (e1, "linux.resources.memory.limit: expected an integer, got string");
  _cleanup_free_ char *e2
      = parse_err ("{'mounts': [{'destination': '/a'}, {'destination': '/b', 'options': ['ro', 7]}]}");
  CHECK_STR (e2, "mounts[1].options[1]: expected a string, got number");
  _cleanup_free_ char *e3 = parse_err (
      "{'linux': {'seccomp': {'syscalls': [{'names': ['x'], 'args': [{'index': 0, 'value': 'x'}]}]}}}");
  CHECK_STR (e3, "linux.seccomp.syscalls[0].args[0].value: expected a non-negative integer, got string");
  _cleanup_free_ char *e4 = parse_err ("{'hooks': {'poststop': [{'path': '/x', 'timeout': true}]}}");
  CHECK_STR (e4, "hooks.poststop[0].timeout: expected an integer, got boolean");
  _cleanup_free_ char *e5 = parse_err ("{'annotations': {'a': 'ok', 'b.c': 1}}");
  CHECK_STR (e5, "annotations[\"b.c\"]: expected a string, got number");
  _cleanup_free_ char *e6 = parse_err ("{'linux': {'resources': {'rdma': {'mlx': {'hcaHandles': -1}}}}}");
  CHECK_CONTAINS (e6, "linux.resources.rdma[\"mlx\"].hcaHandles: -1 is out of range");
  _cleanup_free_ char *e7 = parse_err ("{'mounts': [{'destination': '/a'}, 3]}");
  CHECK_STR (e7, "mounts[1]: expected an object, got number");
}

static void
out_of_range_numbers (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'process': {'user': {'uid': 4294967296}}}");
  CHECK_STR (e1, "process.user.uid: 4294967296 is out of range: must be between 0 and 4294967295");
  _cleanup_free_ char *e2 = parse_err ("{'process': {'user': {'gid': -1}}}");
  CHECK_STR (e2, "process.user.gid: -1 is out of range: must be between 0 and 4294967295");
  _cleanup_free_ char *e3 = parse_err ("{'process': {'user': {'additionalGids': [1, -5]}}}");
  CHECK_CONTAINS (e3, "process.user.additionalGids[1]: -5 is out of range");
  _cleanup_free_ char *e4 = parse_err ("{'linux': {'resources': {'blockIO': {'weight': 65536}}}}");
  CHECK_CONTAINS (e4, "linux.resources.blockIO.weight: 65536 is out of range: must be between 0 and 65535");
  _cleanup_free_ char *e5 = parse_err ("{'process': {'oomScoreAdj': 2147483648}}");
  CHECK_CONTAINS (e5, "process.oomScoreAdj: 2147483648 is out of range");
  _cleanup_free_ char *e6 = parse_err ("{'linux': {'resources': {'memory': {'limit': 9223372036854775808}}}}");
  CHECK_CONTAINS (e6, "linux.resources.memory.limit: 9223372036854775808 is out of range");
  _cleanup_free_ char *e7 = parse_err ("{'process': {'rlimits': [{'type': 'RLIMIT_CPU', 'soft': 1, "
                                       "'hard': 18446744073709551616}]}}");
  CHECK_CONTAINS (e7, "process.rlimits[0].hard: expected a non-negative integer, got a number with a "
                      "fraction, an exponent or more than 64 bits");
  _cleanup_free_ char *e8 = parse_err ("{'process': {'user': {'uid': 1.5}}}");
  CHECK_CONTAINS (e8, "process.user.uid: expected a non-negative integer, got a number with a fraction");
  _cleanup_free_ char *e9 = parse_err ("{'process': {'user': {'uid': 1e3}}}");
  CHECK_CONTAINS (e9, "process.user.uid: expected a non-negative integer");
}

static void
large_64bit_values (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = parse_ok (
      "{'linux': {'resources': {'memory': {'limit': 9223372036854775807, 'swap': -1, "
      "'reservation': -9223372036854775808}}}, 'process': {'rlimits': [{'type': 'RLIMIT_AS', "
      "'soft': 18446744073709551615, 'hard': 18446744073709551615}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (s->linux_->resources.memory.limit == INT64_MAX);
  CHECK (s->linux_->resources.memory.swap == -1);
  CHECK (s->linux_->resources.memory.reservation == INT64_MIN);
  CHECK (s->process->rlimits[0].soft == UINT64_MAX && s->process->rlimits[0].resource == RLIMIT_AS);
}

static void
unknown_fields_ignored (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = parse_ok (
      "{" BASE ", 'futureField': {'x': [1, {'y': null}]}, 'windows': {'layerFolders': []},"
      " 'process': {'args': ['sh'], 'cwd': '/', 'futureKnob': 3, 'user': {'sid': 'S-1'}},"
      " 'linux': {'namespaces': [{'type': 'pid', 'flavour': 'x'}], 'memoryPolicy': {'mode': 'MPOL_BIND'},"
      " 'resources': {'network': {'classID': 1}, 'oomScoreAdj': 5, 'pids': {'limit': 5, 'x': 1}}}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (valid (s));
  CHECK (s->linux_->n_namespaces == 1);
  CHECK (s->linux_->resources.has_pids && s->linux_->resources.pids_limit == 5);
}

static void
null_means_absent (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s = parse_ok (
      "{" BASE ", 'process': null, 'hostname': null, 'mounts': null, 'annotations': {'a': null, 'b': 'x'},"
      " 'linux': {'maskedPaths': null, 'seccomp': null, 'resources': {'memory': {'limit': null}},"
      " 'namespaces': [{'type': 'pid', 'path': null}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (s->process == NULL && s->hostname == NULL && s->mounts == NULL);
  CHECK (s->n_annotations == 1);
  CHECK_STR (s->annotations[0].key, "b");
  CHECK (s->linux_->masked_paths == NULL && s->linux_->seccomp == NULL);
  CHECK (s->linux_->resources.has_memory && !s->linux_->resources.memory.has_limit);
  CHECK (s->linux_->namespaces[0].path == NULL);
  /* null is absent, not a wildcard: inside arrays it is still wrong. */
  _cleanup_free_ char *e = parse_err ("{'mounts': [null]}");
  CHECK_STR (e, "mounts[0]: expected an object, got null");
  _cleanup_free_ char *e2 = parse_err ("{'process': {'env': ['A=1', null]}}");
  CHECK_STR (e2, "process.env[1]: expected a string, got null");
}

static void
masked_paths_absent_vs_empty (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *absent = parse_ok ("{" BASE ", 'linux': {}}");
  __attribute__ ((cleanup (spec_freep))) struct spec *empty
      = parse_ok ("{" BASE ", 'linux': {'maskedPaths': [], 'readonlyPaths': []}}");
  CHECK (absent && empty);
  if (!absent || !empty)
    return;
  CHECK (absent->linux_->masked_paths == NULL && absent->linux_->readonly_paths == NULL);
  CHECK (empty->linux_->masked_paths != NULL && empty->linux_->masked_paths[0] == NULL);
  CHECK (empty->linux_->readonly_paths != NULL && empty->linux_->readonly_paths[0] == NULL);
  _cleanup_free_ char *e = validate_err ("{" BASE ", 'linux': {'maskedPaths': ['/proc/kcore', 'proc']}}");
  CHECK_CONTAINS (e, "linux.maskedPaths[1]: \"proc\" is not an absolute path");
}

/* ---- malformed documents ---------------------------------------------- */

static void
malformed_json (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'ociVersion': '1.2.0'");
  CHECK_CONTAINS (e1, "invalid JSON");
  _cleanup_free_ char *e2 = parse_err ("{'ociVersion': '1.2.0',}");
  CHECK_CONTAINS (e2, "invalid JSON");
  _cleanup_free_ char *e3 = parse_err ("[1, 2]");
  CHECK_STR (e3, "config: expected a JSON object at the top level, got array");
  _cleanup_free_ char *e4 = parse_err ("{} {}");
  CHECK_CONTAINS (e4, "invalid JSON");
}

static void
empty_input (void)
{
  _cleanup_free_ char *e1 = parse_err ("");
  CHECK_CONTAINS (e1, "config is empty");
  _cleanup_free_ char *e2 = parse_err ("  \n\t ");
  CHECK_CONTAINS (e2, "config is empty");
}

static void
embedded_nul (void)
{
  static const char text[] = "{\"ociVersion\": \"1.2.0\"\0, \"hostname\": \"x\"}";
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = NULL;
  CHECK (spec_parse (text, sizeof text - 1, &s, &err) < 0);
  CHECK (s == NULL);
  CHECK (err && strstr (err->msg, "NUL") != NULL);
}

static void
duplicate_keys_rejected (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'ociVersion': '1.0.0', 'ociVersion': '2.0.0'}");
  CHECK_CONTAINS (e1, "duplicate key \"ociVersion\"");
  _cleanup_free_ char *e2 = parse_err ("{'process': {'user': {'uid': 0, 'uid': 1000}}}");
  CHECK_CONTAINS (e2, "process.user: duplicate key \"uid\"");
  _cleanup_free_ char *e3 = parse_err ("{'linux': {'sysctl': {'a': '1', 'b': '2', 'a': '3'}}}");
  CHECK_CONTAINS (e3, "linux.sysctl: duplicate key \"a\"");
}

static void
control_characters_defanged (void)
{
  _cleanup_free_ char *e = parse_err ("{'linux': {'namespaces': [{'type': 'p\\u001b[31mid'}]}}");
  CHECK (e && strchr (e, 0x1b) == NULL);
  CHECK_CONTAINS (e, "unknown namespace \"p?[31mid\"");
}

/* ---- namespaces ------------------------------------------------------- */

static void
unknown_namespace_path_text (void)
{
  _cleanup_free_ char *e
      = parse_err ("{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'foo'}]}}");
  CHECK_STR (e, "linux.namespaces[2].type: unknown namespace \"foo\"");
  _cleanup_free_ char *e2 = parse_err ("{'linux': {'namespaces': [{'path': '/proc/1/ns/net'}]}}");
  CHECK_STR (e2, "linux.namespaces[0].type: required field is missing");
}

static void
duplicate_namespace (void)
{
  _cleanup_free_ char *e = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'pid'}, {'type': 'network'}, {'type': 'pid'}]}}");
  CHECK_CONTAINS (e, "linux.namespaces[2].type: duplicate \"pid\" namespace (also linux.namespaces[0])");
}

static void
namespace_paths (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s
      = parse_ok ("{" BASE ", 'linux': {'namespaces': [{'type': 'network', 'path': ''}]}}");
  CHECK (s && s->linux_->namespaces[0].path == NULL);
  _cleanup_free_ char *e = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'network', 'path': 'run/netns/x'}]}}");
  CHECK_CONTAINS (e, "linux.namespaces[0].path: \"run/netns/x\" is not an absolute path");
  CHECK_CONTAINS (e, "/proc/PID/ns/net");
}

static void
namespace_helpers (void)
{
  CHECK_STR (spec_ns_name (SPEC_NS_NETWORK), "network");
  CHECK_STR (spec_ns_proc_name (SPEC_NS_NETWORK), "net");
  CHECK_STR (spec_ns_proc_name (SPEC_NS_MOUNT), "mnt");
  CHECK_STR (spec_ns_name (SPEC_NS_TIME), "time");
  CHECK (spec_ns_from_name ("cgroup") == SPEC_NS_CGROUP);
  CHECK (spec_ns_from_name ("net") == -1);
  CHECK (spec_ns_from_name ("") == -1);
  CHECK (spec_ns_from_name (NULL) == -1);
  CHECK (spec_ns_clone_flag (SPEC_NS_PID) == CLONE_NEWPID);
  CHECK (spec_ns_clone_flag (SPEC_NS_MOUNT) == CLONE_NEWNS);
  CHECK (spec_ns_clone_flag (SPEC_NS_USER) == CLONE_NEWUSER);
  CHECK (spec_ns_clone_flag (SPEC_NS_TIME) == 0x80);
  CHECK (spec_ns_name (SPEC_NS_COUNT) == NULL);
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    CHECK (spec_ns_from_name (spec_ns_name ((enum spec_ns_type) t)) == t);
}

static void
id_mappings_need_user_namespace (void)
{
  _cleanup_free_ char *e = validate_err (
      "{" BASE ", 'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}");
  CHECK_CONTAINS (e, "linux.uidMappings: ID mappings need a user namespace");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'linux': {'namespaces': [{'type': 'user'}]}}");
  CHECK_CONTAINS (e2, "a new user namespace needs linux.uidMappings");
  _cleanup_free_ char *ok = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]}}");
  CHECK (ok == NULL);
  _cleanup_free_ char *e3 = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, "
      "'hostID': 1000, 'size': 0}]}}");
  CHECK_CONTAINS (e3, "linux.uidMappings[0].size: must be at least 1");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'user'}], 'gidMappings': [{'containerID': 0, "
      "'hostID': 4294967295, 'size': 2}]}}");
  CHECK_CONTAINS (e4, "linux.gidMappings[0]: hostID 4294967295 + size 2 runs past");
  _cleanup_free_ char *e5 = parse_err ("{'linux': {'uidMappings': [{'containerID': 0, 'size': 1}]}}");
  CHECK_STR (e5, "linux.uidMappings[0].hostID: required field is missing");
}

static void
time_offsets_need_time_namespace (void)
{
  _cleanup_free_ char *e
      = validate_err ("{" BASE ", 'linux': {'timeOffsets': {'monotonic': {'secs': 10}}}}");
  CHECK_CONTAINS (e, "linux.timeOffsets: clock offsets need a new time namespace");
  _cleanup_free_ char *e2 = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'time', 'path': '/proc/1/ns/time'}],"
      " 'timeOffsets': {'boottime': {'secs': 10}}}}");
  CHECK_CONTAINS (e2, "clock offsets need a new time namespace");
  _cleanup_free_ char *ok = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'boottime': {'secs': 10}}}}");
  CHECK (ok == NULL);
  _cleanup_free_ char *e3 = parse_err ("{'linux': {'timeOffsets': {'realtime': {'secs': 1}}}}");
  CHECK_CONTAINS (e3, "linux.timeOffsets[\"realtime\"]: unknown clock");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'monotonic': {'nanosecs': "
      "1000000000}}}}");
  CHECK_CONTAINS (e4, "linux.timeOffsets[\"monotonic\"].nanosecs: 1000000000 is out of range");
}

static void
hostname_needs_uts_namespace (void)
{
  _cleanup_free_ char *e = validate_err ("{" BASE ", 'hostname': 'box'}");
  CHECK_CONTAINS (e, "hostname: setting a hostname needs a private UTS namespace");
  _cleanup_free_ char *e2
      = validate_err ("{" BASE ", 'domainname': 'x.org', 'linux': {'namespaces': [{'type': 'pid'}]}}");
  CHECK_CONTAINS (e2, "domainname: setting a domainname needs a private UTS namespace");
  _cleanup_free_ char *ok
      = validate_err ("{" BASE ", 'hostname': 'box', 'linux': {'namespaces': [{'type': 'uts'}]}}");
  CHECK (ok == NULL);
  /* an empty hostname sets nothing */
  _cleanup_free_ char *ok2 = validate_err ("{" BASE ", 'hostname': ''}");
  CHECK (ok2 == NULL);
}

/* ---- process details -------------------------------------------------- */

static void
rlimit_rules (void)
{
  _cleanup_free_ char *e = parse_err (
      "{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, {'type': 'RLIMIT_FOO', "
      "'soft': 1, 'hard': 1}]}}");
  CHECK_CONTAINS (e, "process.rlimits[1].type: unknown resource limit \"RLIMIT_FOO\"");
  _cleanup_free_ char *e2 = parse_err ("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1}]}}");
  CHECK_STR (e2, "process.rlimits[0].soft: required field is missing");
  _cleanup_free_ char *e3 = validate_err (
      "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': "
      "2048, 'hard': 1024}]}}");
  CHECK_CONTAINS (e3, "process.rlimits[0]: RLIMIT_NOFILE: soft limit 2048 exceeds hard limit 1024");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': "
      "1, 'hard': 1}, {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]}}");
  CHECK_CONTAINS (e4, "process.rlimits[1].type: RLIMIT_NOFILE is already set by process.rlimits[0]");
}

static void
process_field_rules (void)
{
  _cleanup_free_ char *e1
      = validate_err ("{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'BROKEN']}}");
  CHECK_CONTAINS (e1, "process.env[1]: \"BROKEN\" is not of the form NAME=VALUE");
  _cleanup_free_ char *e2
      = validate_err ("{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['=x']}}");
  CHECK_CONTAINS (e2, "process.env[0]");
  _cleanup_free_ char *e3
      = validate_err ("{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1001}}");
  CHECK_CONTAINS (e3, "process.oomScoreAdj: 1001 is out of range");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_X', "
      "'priority': 1}}}");
  CHECK_CONTAINS (e4, "process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"");
  _cleanup_free_ char *e5 = validate_err (
      "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_RT', "
      "'priority': 8}}}");
  CHECK_CONTAINS (e5, "process.ioPriority.priority: 8 is out of range");
  _cleanup_free_ char *e6
      = validate_err ("{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'nice': 1}}}");
  CHECK_CONTAINS (e6, "process.scheduler.policy: required field is missing");
  _cleanup_free_ char *e7 = validate_err (
      "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_RR', "
      "'flags': ['SCHED_FLAG_NOPE']}}}");
  CHECK_CONTAINS (e7, "process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_NOPE\"");
}

static void
process_file_parse (void)
{
  static const char good[] = "{'args': ['/bin/ls', '-l'], 'cwd': '/tmp', 'terminal': false,"
                             " 'user': {'uid': 1, 'gid': 2}, 'env': ['X=1'],"
                             " 'capabilities': {'bounding': []}, 'noNewPrivileges': false}";
  _cleanup_free_ char *json = q (good);
  struct spec_process *p = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_parse_process (json, strlen (json), &p, &err) == 0);
  CHECK (p != NULL);
  if (p)
    {
      CHECK_STR (p->args[1], "-l");
      CHECK_STR (p->cwd, "/tmp");
      CHECK (p->user.uid == 1 && p->user.gid == 2);
      CHECK (p->has_no_new_privileges && !p->no_new_privileges);
      CHECK (p->capabilities && p->capabilities->bounding && p->capabilities->bounding[0] == NULL);
    }
  spec_process_free (p);

  /* error paths are relative to the process object */
  _cleanup_free_ char *bad = q ("{'args': ['sh'], 'user': {'uid': -3}}");
  struct spec_process *p2 = (struct spec_process *) 1;
  _cleanup_error_ struct casco_error *err2 = NULL;
  CHECK (spec_parse_process (bad, strlen (bad), &p2, &err2) < 0);
  CHECK (p2 == NULL);
  _cleanup_free_ char *t = casco_error_text (err2);
  CHECK_CONTAINS (t, "user.uid: -3 is out of range");
  CHECK (strncmp (t, "user.uid", 8) == 0);

  _cleanup_free_ char *arr = q ("['sh']");
  _cleanup_error_ struct casco_error *err3 = NULL;
  CHECK (spec_parse_process (arr, strlen (arr), &p2, &err3) < 0);
  CHECK (err3 && strstr (err3->msg, "process: expected a JSON object") != NULL);
}

static void
resources_parse (void)
{
  _cleanup_free_ char *json = q ("{'memory': {'limit': 536870912, 'swap': -1}, 'cpu': {'quota': 50000,"
                                 " 'period': 100000}, 'pids': {'limit': -1},"
                                 " 'unified': {'memory.high': '400M'}}");
  struct spec_resources r;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_parse_resources (json, strlen (json), &r, &err) == 0);
  CHECK (r.present && r.has_memory && r.memory.limit == 536870912 && r.memory.swap == -1);
  CHECK (r.has_cpu && r.cpu.has_quota && r.cpu.quota == 50000 && !r.cpu.has_shares);
  CHECK (r.has_pids && r.pids_limit == -1);
  CHECK (!r.has_block_io && r.n_devices == 0);
  CHECK (r.n_unified == 1);
  CHECK_STR (r.unified[0].value, "400M");
  spec_resources_clear (&r);
  CHECK (!r.present && r.unified == NULL && r.n_unified == 0);

  _cleanup_free_ char *bad = q ("{'memory': {'limit': 1}, 'pids': {}}");
  _cleanup_error_ struct casco_error *err2 = NULL;
  CHECK (spec_parse_resources (bad, strlen (bad), &r, &err2) < 0);
  _cleanup_free_ char *t = casco_error_text (err2);
  CHECK_STR (t, "pids.limit: required field is missing");
  /* a failed parse leaves the output cleared, nothing to free */
  CHECK (!r.present && !r.has_memory);
  spec_resources_clear (&r);
}

/* ---- linux details ---------------------------------------------------- */

static void
device_rules (void)
{
  _cleanup_free_ char *e1 = parse_err ("{'linux': {'devices': [{'path': '/dev/x', 'type': 'x', 'major': 1, "
                                       "'minor': 1}]}}");
  CHECK_STR (e1, "linux.devices[0].type: unknown device type \"x\": use \"c\", \"b\", \"u\" or \"p\"");
  _cleanup_free_ char *e2 = parse_err ("{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'minor': 1}]}}");
  CHECK_STR (e2, "linux.devices[0].major: required field is missing");
  _cleanup_free_ char *e3 = validate_err ("{" BASE ", 'linux': {'devices': [{'path': 'dev/x', 'type': 'p'}]}}");
  CHECK_CONTAINS (e3, "linux.devices[0].path: \"dev/x\" is not an absolute path");
  _cleanup_free_ char *e4 = parse_err ("{'linux': {'resources': {'devices': [{'type': 'c'}]}}}");
  CHECK_STR (e4, "linux.resources.devices[0].allow: required field is missing");
  _cleanup_free_ char *e5 = validate_err (
      "{" BASE ", 'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwx'}]}}}");
  CHECK_CONTAINS (e5, "linux.resources.devices[0].access: \"rwx\" is not an access mode");
  _cleanup_free_ char *e6 = parse_err ("{'linux': {'resources': {'devices': [{'allow': true, 'type': 'u'}]}}}");
  CHECK_CONTAINS (e6, "linux.resources.devices[0].type: unknown device type \"u\"");
}

static void
rootfs_propagation_values (void)
{
  _cleanup_free_ char *e = validate_err ("{" BASE ", 'linux': {'rootfsPropagation': 'recursive'}}");
  CHECK_CONTAINS (e, "linux.rootfsPropagation: unknown propagation \"recursive\"");
  static const char *const ok[] = { "shared", "slave", "private", "unbindable",
                                    "rshared", "rslave", "rprivate", "runbindable" };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      _cleanup_free_ char *json = xasprintf ("{" BASE ", 'linux': {'rootfsPropagation': '%s'}}", ok[i]);
      _cleanup_free_ char *v = validate_err (json);
      CHECK (v == NULL);
    }
}

static void
sysctl_names (void)
{
  _cleanup_free_ char *e1 = validate_err ("{" BASE ", 'linux': {'sysctl': {'': '1'}}}");
  CHECK_CONTAINS (e1, "linux.sysctl[\"\"]: not a sysctl name");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'linux': {'sysctl': {'net/../../etc': '1'}}}");
  CHECK_CONTAINS (e2, "not a sysctl name");
  _cleanup_free_ char *e3 = validate_err ("{" BASE ", 'linux': {'sysctl': {'net..x': '1'}}}");
  CHECK_CONTAINS (e3, "not a sysctl name");
  _cleanup_free_ char *e4 = parse_err ("{'linux': {'sysctl': {'net.ipv4.ip_forward': 1}}}");
  CHECK_STR (e4, "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got number");
}

static void
hook_rules (void)
{
  _cleanup_free_ char *e1 = validate_err ("{" BASE ", 'hooks': {'createRuntime': [{'path': 'bin/hook'}]}}");
  CHECK_CONTAINS (e1, "hooks.createRuntime[0].path: \"bin/hook\" is not an absolute path");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'hooks': {'poststop': [{'args': ['x']}]}}");
  CHECK_CONTAINS (e2, "hooks.poststop[0].path: required field is missing");
  _cleanup_free_ char *e3
      = validate_err ("{" BASE ", 'hooks': {'poststart': [{'path': '/x'}, {'path': '/y', 'timeout': 0}]}}");
  CHECK_CONTAINS (e3, "hooks.poststart[1].timeout: 0 is not a timeout");
}

static void
seccomp_rules (void)
{
  _cleanup_free_ char *e1 = validate_err ("{" BASE ", 'linux': {'seccomp': {'syscalls': []}}}");
  CHECK_CONTAINS (e1, "linux.seccomp.defaultAction: required field is missing");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_NOPE'}}}");
  CHECK_CONTAINS (e2, "unknown action \"SCMP_ACT_NOPE\"");
  _cleanup_free_ char *e3 = validate_err (
      "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'],"
      " 'action': 'SCMP_ACT_KILL', 'errnoRet': 1}]}}}");
  CHECK_CONTAINS (e3, "linux.seccomp.syscalls[0].action: SCMP_ACT_KILL returns no errno");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'],"
      " 'action': 'SCMP_ACT_NOTIFY'}]}}}");
  CHECK_CONTAINS (e4, "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener");
  _cleanup_free_ char *e5 = validate_err (
      "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'],"
      " 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}}}");
  CHECK_CONTAINS (e5, "linux.seccomp.syscalls[0].args[0].index: 6 is out of range");
  _cleanup_free_ char *e6 = validate_err (
      "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'],"
      " 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': 'EQ'}]}]}}}");
  CHECK_CONTAINS (e6, "linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\"");
  _cleanup_free_ char *e7 = validate_err (
      "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [],"
      " 'action': 'SCMP_ACT_ERRNO'}]}}}");
  CHECK_CONTAINS (e7, "linux.seccomp.syscalls[0].names: must list at least one syscall");
}

static void
cgroup_file_names_confined (void)
{
  _cleanup_free_ char *e1
      = validate_err ("{" BASE ", 'linux': {'resources': {'unified': {'../../cgroup.procs': '1'}}}}");
  CHECK_CONTAINS (e1, "linux.resources.unified[\"../../cgroup.procs\"]: not a cgroup file name");
  _cleanup_free_ char *e2 = validate_err (
      "{" BASE ", 'linux': {'resources': {'hugepageLimits': [{'pageSize': '../2MB', 'limit': 1}]}}}");
  CHECK_CONTAINS (e2, "linux.resources.hugepageLimits[0].pageSize: \"../2MB\" is not a page size");
  _cleanup_free_ char *e3 = validate_err ("{" BASE ", 'linux': {'intelRdt': {'closID': '..'}}}");
  CHECK_CONTAINS (e3, "linux.intelRdt.closID");
  _cleanup_free_ char *e4 = validate_err (
      "{" BASE ", 'linux': {'resources': {'rdma': {'mlx5 hca_handles=1\\nmlx4': {'hcaHandles': 1}}}}}");
  CHECK_CONTAINS (e4, "is not a device name");
}

/* A memory limit the init cannot start under is a config error; 0 (unset),
   -1 (none), the minimum itself and "max" pass. */
static void
memory_limit_minimum (void)
{
#define MEM(v) "{" BASE ", 'linux': {'resources': {'memory': {'limit': " v "}}}}"
  _cleanup_free_ char *e1 = validate_err (MEM ("4096"));
  CHECK_STR (e1, "linux.resources.memory.limit: 4096 bytes is below the 262144 bytes (256 KiB) a "
                 "container's init needs to start: set at least 262144, or -1 for no limit");
  _cleanup_free_ char *e2 = validate_err (MEM ("262143"));
  CHECK_CONTAINS (e2, "262143 bytes is below");
  _cleanup_free_ char *ok1 = validate_err (MEM ("262144"));
  _cleanup_free_ char *ok2 = validate_err (MEM ("0"));
  _cleanup_free_ char *ok3 = validate_err (MEM ("-1"));
  CHECK (ok1 == NULL && ok2 == NULL && ok3 == NULL);
#undef MEM
#define UNI(v) "{" BASE ", 'linux': {'resources': {'unified': {'memory.max': '" v "'}}}}"
  _cleanup_free_ char *e3 = validate_err (UNI ("65536"));
  CHECK_CONTAINS (e3, "linux.resources.unified[\"memory.max\"]: 65536 bytes is below the 262144 bytes");
  _cleanup_free_ char *e4 = validate_err (UNI ("0\\n"));
  CHECK_CONTAINS (e4, "0 bytes is below");
  _cleanup_free_ char *ok4 = validate_err (UNI ("max"));
  _cleanup_free_ char *ok5 = validate_err (UNI ("1048576"));
  CHECK (ok4 == NULL && ok5 == NULL);
#undef UNI
  /* memory.high throttles, it does not kill: any value is the user's */
  _cleanup_free_ char *ok6
      = validate_err ("{" BASE ", 'linux': {'resources': {'unified': {'memory.high': '4096'}}}}");
  CHECK (ok6 == NULL);
}

static void
personality_and_net_devices (void)
{
  _cleanup_free_ char *e1 = validate_err ("{" BASE ", 'linux': {'personality': {'domain': 'BSD'}}}");
  CHECK_CONTAINS (e1, "linux.personality.domain: unknown domain \"BSD\"");
  _cleanup_free_ char *e2 = validate_err ("{" BASE ", 'linux': {'netDevices': {'eth0': {}}}}");
  CHECK_CONTAINS (e2, "linux.netDevices: moving network devices needs a network namespace");
  _cleanup_free_ char *e3 = validate_err (
      "{" BASE ", 'linux': {'namespaces': [{'type': 'network'}], 'netDevices': {'eth0': {'name': "
      "'a-name-that-is-too-long'}}}}");
  CHECK_CONTAINS (e3, "linux.netDevices[\"eth0\"].name: \"a-name-that-is-too-long\" is not an interface");
}

/* ---- loading from a bundle -------------------------------------------- */

static int
make_bundle (char *dir, const char *config)
{
  if (mkdtemp (dir) == NULL)
    return -1;
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 && config)
    {
      _cleanup_error_ struct casco_error *err = NULL;
      if (write_file_atomic_at (fd, "config.json", config, strlen (config), 0600, &err) < 0)
        {
          close (fd);
          return -1;
        }
    }
  return fd;
}

static void
remove_bundle (int fd, const char *dir)
{
  unlinkat (fd, "config.json", 0);
  close (fd);
  rmdir (dir);
}

static void
load_from_bundle (void)
{
  char dir[] = "/tmp/casco-test-spec-XXXXXX";
  _cleanup_free_ char *json = q ("{" BASE ", " PROC "}");
  int fd = make_bundle (dir, json);
  CHECK (fd >= 0);
  struct spec *s = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_load (fd, &s, &err) == 0);
  CHECK (s && s->process && strcmp (s->process->args[0], "sh") == 0);
  spec_free (s);
  remove_bundle (fd, dir);
}

static void
load_missing_config (void)
{
  char dir[] = "/tmp/casco-test-spec-XXXXXX";
  int fd = make_bundle (dir, NULL);
  CHECK (fd >= 0);
  struct spec *s = (struct spec *) 1;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_load (fd, &s, &err) < 0);
  CHECK (s == NULL);
  _cleanup_free_ char *t = casco_error_text (err);
  CHECK_CONTAINS (t, "config.json");
  CHECK_CONTAINS (t, "No such file");
  CHECK (err && err->errno_ == ENOENT);
  remove_bundle (fd, dir);
}

static void
load_broken_config (void)
{
  char dir[] = "/tmp/casco-test-spec-XXXXXX";
  int fd = make_bundle (dir, "{\"ociVersion\": ");
  CHECK (fd >= 0);
  struct spec *s = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_load (fd, &s, &err) < 0);
  _cleanup_free_ char *t = casco_error_text (err);
  CHECK_CONTAINS (t, "config.json: invalid JSON");
  remove_bundle (fd, dir);

  /* config errors keep their JSON path untouched */
  char dir2[] = "/tmp/casco-test-spec-XXXXXX";
  int fd2 = make_bundle (dir2, "{\"hostname\": 5}");
  _cleanup_error_ struct casco_error *err2 = NULL;
  CHECK (spec_load (fd2, &s, &err2) < 0);
  _cleanup_free_ char *t2 = casco_error_text (err2);
  CHECK_STR (t2, "hostname: expected a string, got number");
  remove_bundle (fd2, dir2);
}

static void
free_functions_accept_null (void)
{
  spec_free (NULL);
  spec_process_free (NULL);
  spec_resources_clear (NULL);
  struct spec_resources r = { 0 };
  spec_resources_clear (&r);
  CHECK (spec_find_namespace (NULL, SPEC_NS_PID) == NULL);
}

/* Every prefix of a valid config is broken JSON: each must fail cleanly,
   and (under valgrind) without leaking what was built before the cut. */
static void
truncated_configs_fail_cleanly (void)
{
  _cleanup_free_ char *path = fixture_path ("maximal.json");
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_error_ struct casco_error *rerr = NULL;
  CHECK (read_file_at (AT_FDCWD, path, &text, &len, &rerr) == 0);
  if (text == NULL)
    return;
  size_t failures = 0, tries = 0;
  /* stop short of the closing brace: that prefix would be complete */
  for (size_t cut = 0; cut + 2 < len; cut += 97, tries++)
    {
      struct spec *s = NULL;
      _cleanup_error_ struct casco_error *err = NULL;
      if (spec_parse (text, cut, &s, &err) < 0 && s == NULL && err != NULL)
        failures++;
      spec_free (s);
    }
  CHECK (tries > 10 && failures == tries);
}

/* Errors raised deep inside arrays free the partly built spec (valgrind). */
static void
late_errors_free_partial_spec (void)
{
  _cleanup_free_ char *e = parse_err (
      "{'ociVersion': '1.2.0', 'process': {'args': ['a', 'b'], 'env': ['X=1'], 'capabilities': "
      "{'bounding': ['CAP_KILL']}, 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}]},"
      " 'mounts': [{'destination': '/a', 'options': ['ro'], 'uidMappings': [{'containerID': 0,"
      " 'hostID': 1, 'size': 1}]}], 'hooks': {'poststop': [{'path': '/p', 'args': ['x']}]},"
      " 'annotations': {'k': 'v'}, 'linux': {'namespaces': [{'type': 'pid', 'path': '/proc/1/ns/pid'}],"
      " 'resources': {'unified': {'a': 'b'}, 'rdma': {'d': {}}, 'hugepageLimits': [{'pageSize': '2MB',"
      " 'limit': 1}]}, 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'],"
      " 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]},"
      " 'sysctl': {'a.b': 'c'}, 'netDevices': {'eth0': {'name': 'x'}},"
      " 'intelRdt': {'closID': 'x'}, 'personality': {'domain': 'LINUX', 'flags': []},"
      " 'devices': [{'path': '/dev/x', 'type': 'c', 'major': 1, 'minor': 1}, {'type': 'c', 'major': 'x'}]}}");
  CHECK_STR (e, "linux.devices[1].major: expected an integer, got string");
}

/* The spec's own keys, everywhere a full config has them, are known; a
   key it does not define is found at its exact path, in objects, arrays
   and free-form maps alike, and annotations' keys are free. */
static void
unknown_keys_are_found_where_they_are (void)
{
  /* maximal.json has every key of the spec, and one the spec may add later */
  static const char *const fixtures[] = { "maximal.json", "runc-spec.json", "runc-spec-rootless.json" };
  for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
    {
      __attribute__ ((cleanup (spec_freep))) struct spec *s = load_fixture (fixtures[i]);
      size_t want = i == 0;
      CHECK (s != NULL && s->n_unknown_keys == want);
      if (s && want && s->n_unknown_keys)
        CHECK_STR (s->unknown_keys[0].path, "org.example.future");
      for (size_t k = want; s && k < s->n_unknown_keys; k++)
        printf ("#   %s: unexpected unknown key %s\n", fixtures[i], s->unknown_keys[k].path);
    }
  static const char json[]
      = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readOnly\":true},"
        "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"noNewPrivilege\":true},"
        "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\",\"option\":[\"ro\"]}],"
        "\"annotations\":{\"anything.goes\":\"x\"},\"vm\":{\"kernel\":{\"path\":\"/k\"}},\"zos\":{\"x\":1},"
        "\"linux\":{\"maskedpath\":[],\"sysctl\":{\"net.any\":\"1\"},\"intelRdt\":{\"closID\":\"c\"},"
        "\"timeOffsets\":{\"monotonic\":{\"secs\":1,\"nanosec\":2}},"
        "\"resources\":{\"unified\":{\"memory.high\":\"1\"},\"memory\":{\"limits\":1}},\"zzzzzzzzzz\":1}}";
  __attribute__ ((cleanup (spec_freep))) struct spec *s = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_parse (json, sizeof json - 1, &s, &err) == 0);
  static const struct { const char *path, *key, *nearest; } want[] = {
    { "root.readOnly", "readOnly", "readonly" },
    { "process.noNewPrivilege", "noNewPrivilege", "noNewPrivileges" },
    { "mounts[1].option", "option", "options" },
    { "linux.maskedpath", "maskedpath", "maskedPaths" },
    { "linux.timeOffsets[\"monotonic\"].nanosec", "nanosec", "nanosecs" },
    { "linux.resources.memory.limits", "limits", "limit" },
    { "linux.zzzzzzzzzz", "zzzzzzzzzz", NULL },
  };
  CHECK (s && s->n_unknown_keys == sizeof want / sizeof want[0]);
  for (size_t i = 0; s && i < s->n_unknown_keys && i < sizeof want / sizeof want[0]; i++)
    {
      CHECK_STR (s->unknown_keys[i].path, want[i].path);
      CHECK_STR (s->unknown_keys[i].key, want[i].key);
      if (want[i].nearest)
        CHECK_STR (s->unknown_keys[i].nearest, want[i].nearest);
      else
        CHECK (s->unknown_keys[i].nearest == NULL);
    }
}

/* The nearest key is a typo's intended key, never a far-off guess. */
static void
nearest_key_by_edit_distance (void)
{
  static const char *const known[] = { "noNewPrivileges", "maskedPaths", "readonlyPaths", "uid", "gid", NULL };
  CHECK_STR (spec_nearest_key ("noNewPrivilege", known), "noNewPrivileges");
  CHECK_STR (spec_nearest_key ("nonewprivileges", known), "noNewPrivileges");
  CHECK_STR (spec_nearest_key ("maskedpath", known), "maskedPaths");
  CHECK_STR (spec_nearest_key ("readOnlyPath", known), "readonlyPaths");
  CHECK_STR (spec_nearest_key ("uidd", known), "uid");
  CHECK (spec_nearest_key ("hostname", known) == NULL);
  CHECK (spec_nearest_key ("xyz", known) == NULL);
  CHECK (spec_nearest_key ("", known) == NULL);
  CHECK (spec_nearest_key ("uid", (const char *const[]){ NULL }) == NULL);
}

int
main (void)
{
  RUN (runc_default_config);
  RUN (runc_rootless_config);
  RUN (maximal_config_process);
  RUN (maximal_config_top_level);
  RUN (maximal_config_linux);
  RUN (maximal_config_resources);
  RUN (maximal_config_seccomp);
  RUN (minimal_config);
  RUN (missing_oci_version);
  RUN (unsupported_oci_version);
  RUN (missing_root);
  RUN (missing_or_empty_args);
  RUN (missing_or_relative_cwd);
  RUN (mount_destination_rules);
  RUN (wrong_type_messages);
  RUN (wrong_type_deep_paths);
  RUN (out_of_range_numbers);
  RUN (large_64bit_values);
  RUN (unknown_fields_ignored);
  RUN (null_means_absent);
  RUN (masked_paths_absent_vs_empty);
  RUN (malformed_json);
  RUN (empty_input);
  RUN (embedded_nul);
  RUN (duplicate_keys_rejected);
  RUN (control_characters_defanged);
  RUN (unknown_namespace_path_text);
  RUN (duplicate_namespace);
  RUN (namespace_paths);
  RUN (namespace_helpers);
  RUN (id_mappings_need_user_namespace);
  RUN (time_offsets_need_time_namespace);
  RUN (hostname_needs_uts_namespace);
  RUN (rlimit_rules);
  RUN (process_field_rules);
  RUN (process_file_parse);
  RUN (resources_parse);
  RUN (device_rules);
  RUN (rootfs_propagation_values);
  RUN (sysctl_names);
  RUN (hook_rules);
  RUN (seccomp_rules);
  RUN (cgroup_file_names_confined);
  RUN (memory_limit_minimum);
  RUN (personality_and_net_devices);
  RUN (load_from_bundle);
  RUN (device_number_ranges);
  RUN (load_missing_config);
  RUN (load_broken_config);
  RUN (free_functions_accept_null);
  RUN (truncated_configs_fail_cleanly);
  RUN (late_errors_free_partial_spec);
  RUN (unknown_keys_are_found_where_they_are);
  RUN (nearest_key_by_edit_distance);
  return UNIT_DONE ();
}

/* Unit tests for config.json parsing one section at a time: the typed
   member access of spec_read.c (JSON paths, types, ranges, null as
   absent), then process, mounts, hooks, linux.resources, namespaces,
   devices and seccomp — each a small config, asserting the parsed structs
   and that an error names the JSON path of the value at fault (the
   json_path field, not the message text).  test_spec.c covers whole
   configs and validate.c. */
#include <stdlib.h>
#include <sys/resource.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"
#include "unit.h"

/* ---- helpers ---------------------------------------------------------- */

static json_node *
tree (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  _cleanup_error_ struct casco_error *err = NULL;
  json_node *root = NULL;
  if (json_parse (json, strlen (json), &root, &err) < 0)
    printf ("#   bad test JSON: %s\n", err->msg);
  return root;
}

static struct spec *
parse_ok (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = NULL;
  if (spec_parse (json, strlen (json), &s, &err) < 0)
    printf ("#   unexpected parse error: %s: %s\n", err->json_path ? err->json_path : "", err->msg);
  return s;
}

/* spec_parse must fail; the error (caller frees), NULL when it parsed. */
static struct casco_error *
parse_fails (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  struct casco_error *err = NULL;
  struct spec *s = (struct spec *) 1;
  if (spec_parse (json, strlen (json), &s, &err) == 0)
    {
      spec_free (s);
      return NULL;
    }
  CHECK (s == NULL);
  return err;
}

/* The config error's JSON path and message, checked together. */
#define CHECK_ERROR_AT(e, path, text)                                                              \
  do {                                                                                             \
    const struct casco_error *e_ = (e);                                                            \
    CHECK (e_ != NULL);                                                                            \
    if (e_ != NULL)                                                                                \
      {                                                                                            \
        CHECK_STR (e_->json_path, (path));                                                         \
        CHECK_CONTAINS (e_->msg, (text));                                                          \
      }                                                                                            \
  } while (0)

/* ---- spec_read: JSON paths and typed member access -------------------- */

static void
read_paths_are_formatted_on_error (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  const struct jpath *at = AT_MAP (AT_KEY (AT_INDEX (AT_KEY (NULL, "mounts"), 2), "opts"), "k");
  CHECK (spec_fail (&err, at, "bad %d", 7) == -1);
  CHECK_ERROR_AT (err, "mounts[2].opts[\"k\"]", "bad 7");
}

static void
read_paths_and_messages_are_defanged (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  spec_fail (&err, AT_MAP (AT_KEY (NULL, "annotations"), "a\nb\x1b"), "value \"%s\"", "x\ty");
  CHECK_ERROR_AT (err, "annotations[\"a?b?\"]", "value \"x?y\"");
}

static void
read_top_level_error_has_no_path (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  spec_fail (&err, NULL, "top");
  CHECK (err != NULL && err->json_path == NULL);
}

static void
read_strings_null_absent_and_types (void)
{
  _cleanup_json_ json_node *o = tree ("{'s': 'v', 'n': null, 'i': 1}");
  const struct jpath *at = AT_KEY (NULL, "o");
  _cleanup_free_ char *s = NULL;
  char *untouched = (char *) "keep";
  CHECK (spec_get_str (o, at, "s", &s, NULL) == 1);
  CHECK_STR (s, "v");
  CHECK (spec_get_str (o, at, "absent", &untouched, NULL) == 0);
  CHECK (spec_get_str (o, at, "n", &untouched, NULL) == 0);   /* null counts as absent */
  CHECK_STR (untouched, "keep");
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_get_str (o, at, "i", &untouched, &err) == -1);
  CHECK_ERROR_AT (err, "o.i", "expected a string, got number");
}

static void
read_booleans (void)
{
  _cleanup_json_ json_node *o = tree ("{'t': true, 's': 'yes'}");
  bool v = false, has = false;
  CHECK (spec_get_bool (o, NULL, "t", &v, &has, NULL) == 1 && v && has);
  _cleanup_error_ struct casco_error *e1 = NULL, *e2 = NULL;
  CHECK (spec_get_bool (o, NULL, "s", &v, NULL, &e1) == -1);
  CHECK_ERROR_AT (e1, "s", "expected a boolean, got string");
  CHECK (spec_req_bool (o, NULL, "absent", &v, &e2) == -1);
  CHECK_ERROR_AT (e2, "absent", "required field is missing");
}

static void
read_numbers_by_destination_type (void)
{
  _cleanup_json_ json_node *o
      = tree ("{'u16': 70000, 'neg': -1, 'frac': 1.5, 'big': 18446744073709551615, 'ok': 42}");
  const struct jpath *at = AT_KEY (NULL, "r");
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  int32_t i32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  bool has = false;

  CHECK (opt_num (o, at, "ok", &u16, &has, NULL) == 1 && u16 == 42 && has);
  CHECK (opt_num (o, at, "neg", &i32, NULL, NULL) == 1 && i32 == -1);
  CHECK (opt_num (o, at, "big", &u64, NULL, NULL) == 1 && u64 == UINT64_MAX);
  CHECK (opt_num (o, at, "absent", &u32, NULL, NULL) == 0);

  _cleanup_error_ struct casco_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
  CHECK (opt_num (o, at, "u16", &u16, NULL, &e1) == -1);
  CHECK_ERROR_AT (e1, "r.u16", "70000 is out of range: must be between 0 and 65535");
  CHECK (opt_num (o, at, "neg", &u32, NULL, &e2) == -1);
  CHECK_ERROR_AT (e2, "r.neg", "-1 is out of range");
  CHECK (opt_num (o, at, "frac", &i64, NULL, &e3) == -1);
  CHECK_ERROR_AT (e3, "r.frac", "a number with a fraction");
  CHECK (opt_num (o, at, "big", &i64, NULL, &e4) == -1);
  CHECK_ERROR_AT (e4, "r.big", "out of range");
  CHECK (req_num (o, at, "absent", &u32, &e5) == -1);
  CHECK_ERROR_AT (e5, "r.absent", "required field is missing");
}

static void
read_string_vectors_and_maps (void)
{
  _cleanup_json_ json_node *o
      = tree ("{'empty': [], 'v': ['a', 1], 'm': {'a': 'x', 'n': null, 'b': 2}, 'good': {'k': 'v'}}");
  const struct jpath *at = AT_KEY (NULL, "o");
  char **v = NULL;
  CHECK (spec_get_strv (o, at, "empty", &v, NULL) == 1);
  CHECK (v != NULL && v[0] == NULL);   /* present and empty is not absent */
  strv_free (v);
  v = NULL;
  _cleanup_error_ struct casco_error *e1 = NULL, *e2 = NULL;
  CHECK (spec_get_strv (o, at, "v", &v, &e1) == -1);
  CHECK_ERROR_AT (e1, "o.v[1]", "expected a string, got number");
  strv_free (v);

  struct spec_kv *kv = NULL;
  size_t n = 0;
  CHECK (spec_get_kv (o, at, "good", &kv, &n, NULL) == 1 && n == 1);
  CHECK_STR (kv[0].key, "k");
  CHECK_STR (kv[0].value, "v");
  free (kv[0].key);
  free (kv[0].value);
  free (kv);
  kv = NULL;
  n = 0;
  CHECK (spec_get_kv (o, at, "m", &kv, &n, &e2) == -1);
  CHECK_ERROR_AT (e2, "o.m[\"b\"]", "expected a string, got number");
  CHECK (n == 1);   /* "a" kept, the null "n" skipped */
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

static void
read_objects_reject_repeated_keys (void)
{
  _cleanup_json_ json_node *o = tree ("{'x': {'a': 1, 'a': 2}, 'arr': [1]}");
  const json_node *x = NULL;
  _cleanup_error_ struct casco_error *e1 = NULL, *e2 = NULL;
  CHECK (spec_get_object (o, NULL, "x", &x, &e1) == -1);
  CHECK_ERROR_AT (e1, "x", "duplicate key \"a\"");
  CHECK (spec_get_object (o, NULL, "arr", &x, &e2) == -1);
  CHECK_ERROR_AT (e2, "arr", "expected an object, got array");
}

/* ---- process ---------------------------------------------------------- */

static struct spec_process *
process_ok (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec_process *p = NULL;
  if (spec_parse_process (json, strlen (json), &p, &err) < 0)
    printf ("#   unexpected error: %s: %s\n", err->json_path ? err->json_path : "", err->msg);
  return p;
}

static struct casco_error *
process_fails (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  struct casco_error *err = NULL;
  struct spec_process *p = NULL;
  if (spec_parse_process (json, strlen (json), &p, &err) == 0)
    spec_process_free (p);
  return err;
}

static void
process_fields (void)
{
  struct spec_process *p
      = process_ok ("{'terminal': true, 'consoleSize': {'height': 24, 'width': 80}, 'args': ['sh', '-c'],"
                    " 'env': ['A=1'], 'cwd': '/w', 'user': {'uid': 5, 'gid': 6, 'umask': 18,"
                    " 'additionalGids': [7, 8]}, 'capabilities': {'bounding': ['CAP_CHOWN'], 'ambient': []},"
                    " 'rlimits': [{'type': 'RLIMIT_NPROC', 'soft': 10, 'hard': 20}],"
                    " 'noNewPrivileges': false, 'oomScoreAdj': -500,"
                    " 'scheduler': {'policy': 'SCHED_BATCH', 'nice': -3},"
                    " 'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 4},"
                    " 'execCPUAffinity': {'initial': '0', 'final': '0-1'}}");
  CHECK (p != NULL);
  if (p == NULL)
    return;
  CHECK (p->terminal && p->console_size.present && p->console_size.height == 24);
  CHECK (strv_len (p->args) == 2);
  CHECK_STR (p->env[0], "A=1");
  CHECK_STR (p->cwd, "/w");
  CHECK (p->user.uid == 5 && p->user.gid == 6 && p->user.has_umask && p->user.umask == 18);
  CHECK (p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 8);
  CHECK_STR (p->capabilities->bounding[0], "CAP_CHOWN");
  CHECK (p->capabilities->ambient != NULL && p->capabilities->ambient[0] == NULL);
  CHECK (p->capabilities->effective == NULL);
  CHECK (p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NPROC);
  CHECK (p->rlimits[0].soft == 10 && p->rlimits[0].hard == 20);
  CHECK (p->has_no_new_privileges && !p->no_new_privileges);
  CHECK (p->has_oom_score_adj && p->oom_score_adj == -500);
  CHECK (p->scheduler.present && p->scheduler.nice == -3);
  CHECK_STR (p->scheduler.policy, "SCHED_BATCH");
  CHECK (p->io_priority.present && p->io_priority.priority == 4);
  CHECK_STR (p->exec_cpu_affinity.final, "0-1");
  spec_process_free (p);
}

static void
process_error_paths (void)
{
  /* As its own document (exec --process) the paths start at the process. */
  _cleanup_error_ struct casco_error *e1 = process_fails ("{'user': {'additionalGids': [1, -2]}}");
  CHECK_ERROR_AT (e1, "user.additionalGids[1]", "-2 is out of range");
  _cleanup_error_ struct casco_error *e2 = process_fails ("{'rlimits': [{'type': 'RLIMIT_BOGUS', 'soft': 1, "
                                                         "'hard': 1}]}");
  CHECK_ERROR_AT (e2, "rlimits[0].type", "unknown resource limit \"RLIMIT_BOGUS\"");
  _cleanup_error_ struct casco_error *e3 = process_fails ("{'rlimits': [{'type': 'RLIMIT_CORE', 'hard': 1}]}");
  CHECK_ERROR_AT (e3, "rlimits[0].soft", "required field is missing");
  _cleanup_error_ struct casco_error *e4 = process_fails ("{'ioPriority': {'class': 'IOPRIO_CLASS_RT'}}");
  CHECK_ERROR_AT (e4, "ioPriority.priority", "required field is missing");
  _cleanup_error_ struct casco_error *e5 = process_fails ("{'consoleSize': {'height': '24'}}");
  CHECK_ERROR_AT (e5, "consoleSize.height", "expected a non-negative integer, got string");
  /* Inside a config, under "process". */
  _cleanup_error_ struct casco_error *e6 = parse_fails ("{'process': {'capabilities': {'permitted': 'CAP_KILL'}}}");
  CHECK_ERROR_AT (e6, "process.capabilities.permitted", "expected an array, got string");
}

/* ---- root, mounts, hooks ---------------------------------------------- */

static void
mounts_and_root (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s
      = parse_ok ("{'root': {'path': 'rootfs', 'readonly': true}, 'mounts': [{'destination': '/proc',"
                  " 'type': 'proc', 'source': 'proc'}, {'destination': '/data', 'source': '/srv',"
                  " 'options': ['rbind', 'ro'], 'uidMappings': [{'containerID': 0, 'hostID': 1000,"
                  " 'size': 1}], 'gidMappings': [{'containerID': 0, 'hostID': 2000, 'size': 2}]}]}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (s->root && s->root->readonly);
  CHECK_STR (s->root->path, "rootfs");
  CHECK (s->n_mounts == 2);
  CHECK (s->mounts[0].options == NULL && s->mounts[0].n_uid_mappings == 0);
  CHECK_STR (s->mounts[1].options[1], "ro");
  CHECK (s->mounts[1].type == NULL);
  CHECK (s->mounts[1].n_uid_mappings == 1 && s->mounts[1].uid_mappings[0].host_id == 1000);
  CHECK (s->mounts[1].n_gid_mappings == 1 && s->mounts[1].gid_mappings[0].size == 2);
}

static void
mounts_error_paths (void)
{
  _cleanup_error_ struct casco_error *e1
      = parse_fails ("{'mounts': [{'destination': '/a'}, {'destination': '/b', 'uidMappings': "
                     "[{'containerID': 0, 'hostID': 1}]}]}");
  CHECK_ERROR_AT (e1, "mounts[1].uidMappings[0].size", "required field is missing");
  _cleanup_error_ struct casco_error *e2 = parse_fails ("{'mounts': [{'destination': '/a'}, '/b']}");
  CHECK_ERROR_AT (e2, "mounts[1]", "expected an object, got string");
  _cleanup_error_ struct casco_error *e3 = parse_fails ("{'mounts': [{'options': ['ro', null]}]}");
  CHECK_ERROR_AT (e3, "mounts[0].options[1]", "expected a string, got null");
  _cleanup_error_ struct casco_error *e4 = parse_fails ("{'root': {'readonly': 'yes'}}");
  CHECK_ERROR_AT (e4, "root.readonly", "expected a boolean, got string");
}

static void
hooks_by_kind (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s
      = parse_ok ("{'hooks': {'prestart': [{'path': '/bin/a'}], 'createRuntime': [{'path': '/bin/b',"
                  " 'args': ['b', 'x'], 'env': ['E=1'], 'timeout': 5}], 'poststop': [{'path': '/bin/c'},"
                  " {'path': '/bin/d'}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  CHECK (s->hooks.n_prestart == 1 && s->hooks.n_create_runtime == 1 && s->hooks.n_poststop == 2);
  CHECK (s->hooks.n_create_container == 0 && s->hooks.n_start_container == 0 && s->hooks.n_poststart == 0);
  CHECK (!s->hooks.prestart[0].has_timeout);
  CHECK (s->hooks.create_runtime[0].has_timeout && s->hooks.create_runtime[0].timeout == 5);
  CHECK_STR (s->hooks.create_runtime[0].args[1], "x");
  CHECK_STR (s->hooks.poststop[1].path, "/bin/d");
}

static void
hooks_error_paths (void)
{
  _cleanup_error_ struct casco_error *e1
      = parse_fails ("{'hooks': {'poststop': [{'path': '/bin/a'}, {'path': '/bin/b', 'timeout': 'soon'}]}}");
  CHECK_ERROR_AT (e1, "hooks.poststop[1].timeout", "expected an integer, got string");
  _cleanup_error_ struct casco_error *e2 = parse_fails ("{'hooks': {'startContainer': {'path': '/x'}}}");
  CHECK_ERROR_AT (e2, "hooks.startContainer", "expected an array, got object");
  _cleanup_error_ struct casco_error *e3 = parse_fails ("{'hooks': []}");
  CHECK_ERROR_AT (e3, "hooks", "expected an object, got array");
}

/* ---- linux.resources -------------------------------------------------- */

static void
resources_fields (void)
{
  _cleanup_free_ char *json
      = q ("{'devices': [{'allow': false, 'access': 'rwm'}, {'allow': true, 'type': 'c', 'major': 1,"
           " 'minor': 3, 'access': 'rw'}], 'memory': {'limit': 1048576, 'swap': -1,"
           " 'disableOOMKiller': false}, 'cpu': {'shares': 0, 'quota': -1, 'period': 100000,"
           " 'cpus': '0-1'}, 'pids': {'limit': 64}, 'blockIO': {'weight': 500,"
           " 'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1000}]},"
           " 'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],"
           " 'rdma': {'mlx5_0': {'hcaHandles': 3}, 'gone': null}, 'unified': {'memory.high': '1G'}}");
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec_resources r;
  CHECK (spec_parse_resources (json, strlen (json), &r, &err) == 0);
  if (err)
    printf ("#   %s: %s\n", err->json_path ? err->json_path : "", err->msg);
  CHECK (r.present);
  CHECK (r.n_devices == 2 && !r.devices[0].allow && r.devices[0].type == 'a');
  CHECK (r.devices[1].type == 'c' && r.devices[1].has_major && r.devices[1].major == 1);
  CHECK (r.has_memory && r.memory.has_limit && r.memory.limit == 1048576);
  CHECK (r.memory.has_swap && r.memory.swap == -1);
  CHECK (r.memory.has_disable_oom_killer && !r.memory.has_reservation);
  /* shares 0 is "present and zero", kept apart from absent. */
  CHECK (r.has_cpu && r.cpu.has_shares && r.cpu.shares == 0 && r.cpu.quota == -1);
  CHECK (!r.cpu.has_burst);
  CHECK_STR (r.cpu.cpus, "0-1");
  CHECK (r.has_pids && r.pids_limit == 64);
  CHECK (r.has_block_io && r.block_io.has_weight && r.block_io.weight == 500);
  CHECK (r.block_io.n_throttle_read_bps == 1 && r.block_io.throttle_read_bps[0].rate == 1000);
  CHECK (r.n_hugepage_limits == 1 && r.hugepage_limits[0].limit == 4194304);
  CHECK (r.n_rdma == 1 && r.rdma[0].has_hca_handles && !r.rdma[0].has_hca_objects);
  CHECK_STR (r.rdma[0].device, "mlx5_0");
  CHECK (r.n_unified == 1);
  CHECK_STR (r.unified[0].value, "1G");
  spec_resources_clear (&r);
}

static struct casco_error *
resources_fail (const char *json_q)
{
  _cleanup_free_ char *json = q (json_q);
  struct casco_error *err = NULL;
  struct spec_resources r;
  if (spec_parse_resources (json, strlen (json), &r, &err) == 0)
    spec_resources_clear (&r);
  return err;
}

static void
resources_error_paths (void)
{
  _cleanup_error_ struct casco_error *e1 = resources_fail ("{'blockIO': {'weight': 70000}}");
  CHECK_ERROR_AT (e1, "blockIO.weight", "out of range");
  _cleanup_error_ struct casco_error *e2 = resources_fail ("{'devices': [{'allow': true, 'type': 'x'}]}");
  CHECK_ERROR_AT (e2, "devices[0].type", "unknown device type \"x\"");
  _cleanup_error_ struct casco_error *e3 = resources_fail ("{'devices': [{'type': 'c'}]}");
  CHECK_ERROR_AT (e3, "devices[0].allow", "required field is missing");
  _cleanup_error_ struct casco_error *e4 = resources_fail ("{'rdma': {'mlx5_0': {'hcaHandles': 'many'}}}");
  CHECK_ERROR_AT (e4, "rdma[\"mlx5_0\"].hcaHandles", "expected a non-negative integer, got string");
  _cleanup_error_ struct casco_error *e5 = resources_fail ("{'pids': {}}");
  CHECK_ERROR_AT (e5, "pids.limit", "required field is missing");
  _cleanup_error_ struct casco_error *e6
      = resources_fail ("{'blockIO': {'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0}]}}");
  CHECK_ERROR_AT (e6, "blockIO.throttleWriteIOPSDevice[0].rate", "required field is missing");
  /* In a config the same value is under linux.resources. */
  _cleanup_error_ struct casco_error *e7 = parse_fails ("{'linux': {'resources': {'memory': {'limit': '1G'}}}}");
  CHECK_ERROR_AT (e7, "linux.resources.memory.limit", "expected an integer, got string");
}

/* ---- namespaces, devices and the rest of linux ------------------------ */

static void
namespaces_and_devices (void)
{
  __attribute__ ((cleanup (spec_freep))) struct spec *s
      = parse_ok ("{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': ''},"
                  " {'type': 'user', 'path': '/proc/1/ns/user'}], 'devices': [{'path': '/dev/fifo',"
                  " 'type': 'p'}, {'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3,"
                  " 'fileMode': 438, 'uid': 0}], 'sysctl': {'net.ipv4.ip_forward': '1'},"
                  " 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
                  " 'cgroupsPath': '/x/y', 'timeOffsets': {'monotonic': {'secs': 10}}}}");
  CHECK (s != NULL && s->linux_ != NULL);
  if (s == NULL || s->linux_ == NULL)
    return;
  const struct spec_linux *l = s->linux_;
  CHECK (l->n_namespaces == 3 && l->namespaces[0].type == SPEC_NS_PID);
  CHECK (l->namespaces[1].type == SPEC_NS_NETWORK && l->namespaces[1].path == NULL);   /* "" = create */
  CHECK_STR (spec_find_namespace (s, SPEC_NS_USER)->path, "/proc/1/ns/user");
  CHECK (l->n_devices == 2 && l->devices[0].type == 'p' && l->devices[0].major == 0);
  CHECK (l->devices[1].major == 1 && l->devices[1].minor == 3);
  CHECK (l->devices[1].has_file_mode && l->devices[1].file_mode == 0666);
  CHECK (l->devices[1].has_uid && !l->devices[1].has_gid);
  CHECK (l->n_sysctl == 1);
  CHECK_STR (l->sysctl[0].key, "net.ipv4.ip_forward");
  CHECK (l->n_uid_mappings == 1 && l->uid_mappings[0].size == 65536);
  CHECK_STR (l->cgroups_path, "/x/y");
  CHECK (l->time_monotonic.present && l->time_monotonic.secs == 10 && !l->time_boottime.present);
  CHECK (!l->resources.present && l->seccomp == NULL);
}

static void
linux_error_paths (void)
{
  _cleanup_error_ struct casco_error *e1
      = parse_fails ("{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'net'}]}}");
  CHECK_ERROR_AT (e1, "linux.namespaces[1].type", "unknown namespace \"net\"");
  _cleanup_error_ struct casco_error *e2 = parse_fails ("{'linux': {'namespaces': [{'path': '/proc/1/ns/pid'}]}}");
  CHECK_ERROR_AT (e2, "linux.namespaces[0].type", "required field is missing");
  /* Only a FIFO may leave out its device numbers. */
  _cleanup_error_ struct casco_error *e3
      = parse_fails ("{'linux': {'devices': [{'path': '/dev/null', 'type': 'c', 'minor': 3}]}}");
  CHECK_ERROR_AT (e3, "linux.devices[0].major", "required field is missing");
  _cleanup_error_ struct casco_error *e4 = parse_fails ("{'linux': {'devices': [{'path': '/dev/x', 'type': 'a'}]}}");
  CHECK_ERROR_AT (e4, "linux.devices[0].type", "unknown device type \"a\"");
  _cleanup_error_ struct casco_error *e5 = parse_fails ("{'linux': {'timeOffsets': {'realtime': {'secs': 1}}}}");
  CHECK_ERROR_AT (e5, "linux.timeOffsets[\"realtime\"]", "unknown clock");
  _cleanup_error_ struct casco_error *e6 = parse_fails ("{'linux': {'sysctl': {'kernel.shmmax': 1}}}");
  CHECK_ERROR_AT (e6, "linux.sysctl[\"kernel.shmmax\"]", "expected a string, got number");
  _cleanup_error_ struct casco_error *e7
      = parse_fails ("{'linux': {'seccomp': {'syscalls': [{'names': ['read'], 'args': [{'value': 1}]}]}}}");
  CHECK_ERROR_AT (e7, "linux.seccomp.syscalls[0].args[0].index", "required field is missing");
}

static void
seccomp_document (void)
{
  _cleanup_free_ char *json = q ("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
                                 " 'architectures': ['SCMP_ARCH_X86_64'], 'syscalls': [{'names': ['kill'],"
                                 " 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 1, 'value': 9,"
                                 " 'op': 'SCMP_CMP_NE'}]}]}");
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec_seccomp *sc = NULL;
  CHECK (spec_parse_seccomp (json, strlen (json), &sc, &err) == 0);
  CHECK (sc != NULL);
  if (sc == NULL)
    return;
  CHECK_STR (sc->default_action, "SCMP_ACT_ERRNO");
  CHECK (sc->has_default_errno_ret && sc->default_errno_ret == 1);
  CHECK (sc->n_syscalls == 1 && sc->syscalls[0].n_args == 1);
  CHECK (sc->syscalls[0].args[0].index == 1 && sc->syscalls[0].args[0].value == 9);
  CHECK_STR (sc->syscalls[0].args[0].op, "SCMP_CMP_NE");
  spec_seccomp_free (sc);

  _cleanup_free_ char *bad = q ("{'syscalls': [{'names': ['kill'], 'errnoRet': -1}]}");
  _cleanup_error_ struct casco_error *e2 = NULL;
  CHECK (spec_parse_seccomp (bad, strlen (bad), &sc, &e2) == -1 && sc == NULL);
  CHECK_ERROR_AT (e2, "syscalls[0].errnoRet", "-1 is out of range");
}

int
main (void)
{
  RUN (read_paths_are_formatted_on_error);
  RUN (read_paths_and_messages_are_defanged);
  RUN (read_top_level_error_has_no_path);
  RUN (read_strings_null_absent_and_types);
  RUN (read_booleans);
  RUN (read_numbers_by_destination_type);
  RUN (read_string_vectors_and_maps);
  RUN (read_objects_reject_repeated_keys);
  RUN (process_fields);
  RUN (process_error_paths);
  RUN (mounts_and_root);
  RUN (mounts_error_paths);
  RUN (hooks_by_kind);
  RUN (hooks_error_paths);
  RUN (resources_fields);
  RUN (resources_error_paths);
  RUN (namespaces_and_devices);
  RUN (linux_error_paths);
  RUN (seccomp_document);
  return UNIT_DONE ();
}

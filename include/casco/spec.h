/* casco — the OCI runtime-spec 1.2 config.json as plain C structs.
   Filled only by spec*.c (the one module that speaks JSON); every other
   module reads these.  Arrays are (pointer, count) pairs; string vectors
   are NULL-terminated.  Optional scalars carry a has_ flag so that
   "absent" and "zero" stay distinct (Docker sends cpu shares 0, meaning unset). */
#ifndef CASCO_SPEC_H
#define CASCO_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct casco_error;

#define CASCO_SPEC_VERSION "1.2.0"

struct spec_kv { char *key; char *value; };

struct spec_id_mapping { uint32_t container_id, host_id, size; };

struct spec_rlimit
{
  char *type;               /* "RLIMIT_NOFILE" as written */
  int resource;             /* RLIMIT_* value, resolved by spec_process.c */
  uint64_t soft, hard;
};

struct spec_capabilities
{
  /* Each NULL-terminated; NULL when the key is absent. */
  char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct spec_user
{
  uint32_t uid, gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;           /* windows only; kept for completeness */
};

struct spec_io_priority { bool present; char *class_; int priority; };

struct spec_scheduler
{
  bool present;
  char *policy;
  int nice, priority;
  char **flags;
  uint64_t runtime, deadline, period;
};

struct spec_console_size { bool present; unsigned height, width; };

/* execCPUAffinity: cpu lists ("0-3,7") for the exec'd process; NULL when unset. */
struct spec_cpu_affinity { char *initial; char *final; };

struct spec_process
{
  bool terminal;
  struct spec_console_size console_size;
  struct spec_user user;
  char **args;              /* NULL-terminated, at least one entry after validation */
  char *command_line;       /* windows only */
  char **env;
  char *cwd;
  struct spec_capabilities *capabilities; /* NULL when absent */
  struct spec_rlimit *rlimits;
  size_t n_rlimits;
  bool has_no_new_privileges;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *selinux_label;
  struct spec_scheduler scheduler;
  struct spec_io_priority io_priority;
  char **exec_cpu_affinity_initial; /* unused: superseded by exec_cpu_affinity */
  struct spec_cpu_affinity exec_cpu_affinity;
};

struct spec_root { char *path; bool readonly; };

struct spec_mount
{
  char *destination;
  char *source;
  char *type;
  char **options;           /* NULL-terminated, may be NULL */
  struct spec_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
};

struct spec_hook
{
  char *path;
  char **args;
  char **env;
  bool has_timeout;
  int timeout;
};

struct spec_hooks
{
  struct spec_hook *prestart, *create_runtime, *create_container, *start_container,
      *poststart, *poststop;
  size_t n_prestart, n_create_runtime, n_create_container, n_start_container,
      n_poststart, n_poststop;
};

enum spec_ns_type
{
  SPEC_NS_PID, SPEC_NS_NETWORK, SPEC_NS_MOUNT, SPEC_NS_IPC, SPEC_NS_UTS,
  SPEC_NS_USER, SPEC_NS_CGROUP, SPEC_NS_TIME, SPEC_NS_COUNT
};

struct spec_namespace
{
  enum spec_ns_type type;
  char *path;               /* join this one when set */
};

struct spec_device
{
  char *path;
  char type;                /* 'c', 'b', 'u' or 'p' */
  int64_t major, minor;
  bool has_file_mode, has_uid, has_gid;
  uint32_t file_mode, uid, gid;
};

struct spec_device_cgroup
{
  bool allow;
  char type;                /* 'a', 'c' or 'b'; 'a' when absent */
  bool has_major, has_minor;
  int64_t major, minor;     /* -1 stands for '*' */
  char *access;             /* "rwm" subset, NULL means all */
};

struct spec_throttle_device { int64_t major, minor; uint64_t rate; };
struct spec_weight_device
{
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
};

struct spec_hugepage_limit { char *page_size; uint64_t limit; };
struct spec_rdma_limit
{
  char *device;
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
};

struct spec_memory
{
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness,
      has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
  int64_t limit, reservation, swap, kernel, kernel_tcp;
  uint64_t swappiness;
  bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_cpu
{
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
      has_realtime_period, has_idle;
  uint64_t shares, period, burst, realtime_period;
  int64_t quota, realtime_runtime, idle;
  char *cpus, *mems;
};

struct spec_block_io
{
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  struct spec_weight_device *weight_device;
  size_t n_weight_device;
  struct spec_throttle_device *throttle_read_bps, *throttle_write_bps,
      *throttle_read_iops, *throttle_write_iops;
  size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
      n_throttle_write_iops;
};

struct spec_resources
{
  bool present;
  struct spec_device_cgroup *devices;
  size_t n_devices;
  bool has_memory, has_cpu, has_pids, has_block_io;
  struct spec_memory memory;
  struct spec_cpu cpu;
  int64_t pids_limit;       /* valid when has_pids; <= 0 means unlimited */
  struct spec_block_io block_io;
  struct spec_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct spec_rdma_limit *rdma;
  size_t n_rdma;
  struct spec_kv *unified;
  size_t n_unified;
  /* network (classID, priorities) is v1-only and ignored on v2 */
};

struct spec_seccomp_arg
{
  uint32_t index;
  uint64_t value, value_two;
  char *op;                 /* "SCMP_CMP_EQ" ... as written */
};

struct spec_seccomp_syscall
{
  char **names;
  char *action;
  bool has_errno_ret;
  uint32_t errno_ret;
  struct spec_seccomp_arg *args;
  size_t n_args;
};

struct spec_seccomp
{
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  char **flags;
  char *listener_path;
  char *listener_metadata;
  struct spec_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct spec_time_offset { bool present; int64_t secs; uint32_t nanosecs; };

struct spec_personality { bool present; char *domain; char **flags; };

/* linux.netDevices: a host interface moved into the container's netns. */
struct spec_net_device
{
  char *host_name;          /* the map key */
  char *name;               /* name inside the container; NULL keeps host_name */
};

struct spec_intel_rdt
{
  bool present;
  char *clos_id, *l3_cache_schema, *mem_bw_schema;
  bool enable_cmt, enable_mbm;
};

struct spec_linux
{
  struct spec_namespace *namespaces;
  size_t n_namespaces;
  struct spec_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct spec_time_offset time_monotonic, time_boottime;
  struct spec_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct spec_resources resources;
  char *rootfs_propagation;
  struct spec_seccomp *seccomp;  /* NULL when absent */
  /* Not from the JSON: policy_apply_defaults sets it when an absent
     linux.seccomp keeps the spec's meaning (no filter) instead of casco's
     default profile.  Clear, absent means the default profile: a caller
     that skips the defaults still gets a filter. */
  bool seccomp_absent_unconfined;
  struct spec_kv *sysctl;
  size_t n_sysctl;
  /* NULL when the key is absent (policy.c fills secure defaults then);
     an empty vector when present but empty. */
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  struct spec_personality personality;
  struct spec_intel_rdt intel_rdt;
  struct spec_net_device *net_devices;
  size_t n_net_devices;
};

struct spec
{
  char *oci_version;
  struct spec_process *process;  /* NULL when absent (allowed by the spec for create) */
  struct spec_root *root;
  char *hostname;
  char *domainname;
  struct spec_mount *mounts;
  size_t n_mounts;
  struct spec_hooks hooks;
  struct spec_kv *annotations;
  size_t n_annotations;
  struct spec_linux *linux_;      /* NULL when absent */
  /* Keys the OCI runtime spec does not define where the config has them
     (ignored, as the spec says; the policy reports them). */
  struct spec_unknown_key *unknown_keys;
  size_t n_unknown_keys;
};

struct spec_unknown_key
{
  char *path;               /* "process.noNewPrivilege" */
  char *key;                /* "noNewPrivilege" (control bytes shown as '?') */
  const char *nearest;      /* the spec's key there it is a typo of ("noNewPrivileges"), or NULL */
};

/* Of known (NULL-terminated), the key `key` is most likely a typo of: the
   nearest by edit distance (case ignored), when it is near enough; NULL
   otherwise. */
const char *spec_nearest_key (const char *key, const char *const *known);
struct json_node;
/* Record in s every key of the config tree root the spec does not define. */
void spec_find_unknown_keys (const struct json_node *root, struct spec *s);

/* Parse config.json text into *out.  Unknown keys are ignored (the spec
   requires it); wrong types and out-of-range values are errors naming the
   JSON path.  On error nothing is allocated in *out. */
int spec_parse (const char *json, size_t len, struct spec **out, struct casco_error **err);
/* Read BUNDLE/config.json through the bundle dirfd and parse it. */
int spec_load (int bundle_dirfd, struct spec **out, struct casco_error **err);
/* Like spec_load, and also hands back the exact bytes parsed, so that a copy
   of the config as it was at create can be kept (start, exec and delete must
   not see later edits of the bundle). */
int spec_load_text (int dirfd, struct spec **out, char **text, size_t *len,
                    struct casco_error **err);
void spec_free (struct spec *s);
static inline void spec_freep (struct spec **s) { spec_free (*s); *s = NULL; }
#define _cleanup_spec_ __attribute__ ((cleanup (spec_freep)))

/* Parse just a process object (exec --process FILE).  Error paths are
   relative to that object ("user.uid"); the caller names the file. */
int spec_parse_process (const char *json, size_t len, struct spec_process **out,
                        struct casco_error **err);
void spec_process_free (struct spec_process *p);
static inline void spec_process_freep (struct spec_process **p) { spec_process_free (*p); *p = NULL; }
#define _cleanup_spec_process_ __attribute__ ((cleanup (spec_process_freep)))

/* Parse a bare LinuxSeccomp object (the built-in default profile, a
   profile file).  Error paths are relative to that object ("syscalls[3]"). */
int spec_parse_seccomp (const char *json, size_t len, struct spec_seccomp **out,
                        struct casco_error **err);
void spec_seccomp_free (struct spec_seccomp *sc);
static inline void spec_seccomp_freep (struct spec_seccomp **sc) { spec_seccomp_free (*sc); *sc = NULL; }
#define _cleanup_spec_seccomp_ __attribute__ ((cleanup (spec_seccomp_freep)))

/* Structural checks: required fields, known enum values, ociVersion major 1,
   absolute paths where required.  Errors name the JSON path. */
int spec_validate (const struct spec *s, struct casco_error **err);

/* "annotations": {...} into an open JSON object, as the OCI state document
   has it (hooks' stdin, `casco state`); nothing when there are none. */
struct json_writer;
void spec_write_annotations (struct json_writer *w, const struct spec_kv *a, size_t n);
const char *spec_ns_name (enum spec_ns_type t);       /* "pid", "network", ... */
int spec_ns_from_name (const char *name);             /* -1 when unknown */
int spec_ns_clone_flag (enum spec_ns_type t);         /* CLONE_NEWPID ... */
const char *spec_ns_proc_name (enum spec_ns_type t);  /* "pid", "net", "mnt", ... */
const struct spec_namespace *spec_find_namespace (const struct spec *s, enum spec_ns_type t);

/* Resources parsed from `update --resources FILE` (a LinuxResources object). */
int spec_parse_resources (const char *json, size_t len, struct spec_resources *out,
                          struct casco_error **err);
void spec_resources_clear (struct spec_resources *r);
/* On a struct spec_resources value (not a pointer): cleared at scope end. */
#define _cleanup_spec_resources_ __attribute__ ((cleanup (spec_resources_clear)))

/* The hardened config.json `casco spec` writes (caller frees). */
char *spec_default_json (bool rootless);

#endif

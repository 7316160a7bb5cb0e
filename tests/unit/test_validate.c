/* Unit tests for validate.c (spec_validate): for each structural check, a
   config it accepts and one it refuses, and that the refusal names the JSON
   path of the offending field (err->json_path), so a user can find it.
   Configs are parsed by spec_parse first: validate.c judges parsed specs. */
#include <stdlib.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "util.h"
#include "unit.h"

#define OCIVER "'ociVersion': '1.2.0'"
#define ROOT "'root': {'path': 'rootfs'}"
#define BASE OCIVER ", " ROOT
#define PROC "'process': {'args': ['sh'], 'cwd': '/'}"
/* A linux section with the given namespaces list body. */
#define NS(list) "'namespaces': [" list "]"
#define USERNS_MAPPED                                                              \
  NS ("{'type': 'user'}") ", 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}], " \
      "'gidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"

struct vcase
{
  const char *name;
  const char *json;      /* the whole config, ' for " */
  const char *path;      /* the JSON path the error must name; NULL: valid */
  const char *msg;       /* a piece of the message (NULL: not checked) */
};

static void
device_type_z (struct spec *s)
{
  s->linux_->devices[0].type = 'z';
}

static void
device_type_nul (struct spec *s)
{
  s->linux_->devices[0].type = '\0';
}

static void
cgroup_device_type_p (struct spec *s)
{
  s->linux_->resources.devices[0].type = 'p';
}

static const struct vcase cases[] = {
  /* ---- top level */
  { "minimal config", "{" BASE "}", NULL, NULL },
  { "full process", "{" BASE ", " PROC "}", NULL, NULL },
  { "ociVersion missing", "{" ROOT "}", "ociVersion", "required field is missing" },
  { "ociVersion empty", "{'ociVersion': '', " ROOT "}", "ociVersion", "required field" },
  { "ociVersion not a version", "{'ociVersion': 'v1', " ROOT "}", "ociVersion", "is not a version" },
  { "ociVersion without dot", "{'ociVersion': '1', " ROOT "}", "ociVersion", "is not a version" },
  { "ociVersion 2.x", "{'ociVersion': '2.0.0', " ROOT "}", "ociVersion", "casco implements 1.x" },
  { "ociVersion 10.x", "{'ociVersion': '10.0.0', " ROOT "}", "ociVersion", "unsupported version" },
  { "ociVersion 1.0.0", "{'ociVersion': '1.0.0', " ROOT "}", NULL, NULL },
  { "ociVersion 1.3.0-rc", "{'ociVersion': '1.3.0-rc.1', " ROOT "}", NULL, NULL },
  { "root missing", "{" OCIVER "}", "root", "required field is missing" },
  { "root.path empty", "{" OCIVER ", 'root': {'path': ''}}", "root.path", "required field" },
  { "root.path absolute", "{" OCIVER ", 'root': {'path': '/srv/rootfs'}}", NULL, NULL },

  /* ---- process */
  { "process.args empty", "{" BASE ", 'process': {'args': [], 'cwd': '/'}}", "process.args",
    "at least one entry" },
  { "process.args[0] empty", "{" BASE ", 'process': {'args': [''], 'cwd': '/'}}", "process.args[0]",
    "must not be empty" },
  { "process.cwd missing", "{" BASE ", 'process': {'args': ['sh']}}", "process.cwd", "required field" },
  { "process.cwd relative", "{" BASE ", 'process': {'args': ['sh'], 'cwd': 'tmp'}}", "process.cwd",
    "not an absolute path" },
  { "process.env good", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'B=']}}",
    NULL, NULL },
  { "process.env without =",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'NOEQUALS']}}", "process.env[1]",
    "NAME=VALUE" },
  { "process.env empty name", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'env': ['=x']}}",
    "process.env[0]", "NAME=VALUE" },
  { "rlimits good",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', "
    "'soft': 1024, 'hard': 4096}]}}",
    NULL, NULL },
  { "rlimits soft above hard",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', "
    "'soft': 4096, 'hard': 1024}]}}",
    "process.rlimits[0]", "soft limit 4096 exceeds hard limit 1024" },
  { "rlimits duplicate",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', "
    "'soft': 1, 'hard': 1}, {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}, {'type': 'RLIMIT_NOFILE', "
    "'soft': 2, 'hard': 2}]}}",
    "process.rlimits[2].type", "already set by process.rlimits[0]" },
  { "oomScoreAdj bounds", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': -1000}}",
    NULL, NULL },
  { "oomScoreAdj 1000", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1000}}",
    NULL, NULL },
  { "oomScoreAdj too high", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1001}}",
    "process.oomScoreAdj", "-1000..1000" },
  { "oomScoreAdj too low", "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': -1001}}",
    "process.oomScoreAdj", "out of range" },
  { "scheduler good",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_BATCH', "
    "'nice': 19, 'flags': ['SCHED_FLAG_RESET_ON_FORK']}}}",
    NULL, NULL },
  { "scheduler policy missing",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'nice': 1}}}",
    "process.scheduler.policy", "required field" },
  { "scheduler policy unknown",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_FAST'}}}",
    "process.scheduler.policy", "unknown policy \"SCHED_FAST\"" },
  { "scheduler nice too high",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_OTHER', "
    "'nice': 20}}}",
    "process.scheduler.nice", "-20..19" },
  { "scheduler nice too low",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_OTHER', "
    "'nice': -21}}}",
    "process.scheduler.nice", "out of range" },
  { "scheduler flag unknown",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_OTHER', "
    "'flags': ['SCHED_FLAG_RECLAIM', 'SCHED_FLAG_BOGUS']}}}",
    "process.scheduler.flags[1]", "unknown flag \"SCHED_FLAG_BOGUS\"" },
  { "ioPriority good",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_IDLE', "
    "'priority': 7}}}",
    NULL, NULL },
  { "ioPriority class missing",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'priority': 1}}}",
    "process.ioPriority.class", "required field" },
  { "ioPriority class unknown",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_X', "
    "'priority': 0}}}",
    "process.ioPriority.class", "unknown class" },
  { "ioPriority priority 8",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_BE', "
    "'priority': 8}}}",
    "process.ioPriority.priority", "0..7" },
  { "ioPriority priority -1",
    "{" BASE ", 'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_BE', "
    "'priority': -1}}}",
    "process.ioPriority.priority", "out of range" },

  /* ---- mounts */
  { "mount good", "{" BASE ", 'mounts': [{'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'}]}",
    NULL, NULL },
  { "mount destination missing",
    "{" BASE ", 'mounts': [{'destination': '/a', 'type': 'tmpfs'}, {'type': 'tmpfs'}]}",
    "mounts[1].destination", "required field" },
  { "mount destination relative", "{" BASE ", 'mounts': [{'destination': 'tmp', 'type': 'tmpfs'}]}",
    "mounts[0].destination", "not an absolute path" },
  { "mount uidMappings size 0",
    "{" BASE ", 'mounts': [{'destination': '/m', 'type': 'bind', 'source': '/s', "
    "'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]}]}",
    "mounts[0].uidMappings[0].size", "at least 1" },
  { "mount gidMappings wrap",
    "{" BASE ", 'mounts': [{'destination': '/m', 'type': 'bind', 'source': '/s', "
    "'gidMappings': [{'containerID': 0, 'hostID': 4294967295, 'size': 2}]}]}",
    "mounts[0].gidMappings[0]", "hostID 4294967295 + size 2" },

  /* ---- hooks */
  { "hooks good",
    "{" BASE ", 'hooks': {'prestart': [{'path': '/bin/true', 'timeout': 5}], "
    "'poststop': [{'path': '/bin/true'}]}}",
    NULL, NULL },
  { "hook path missing", "{" BASE ", 'hooks': {'createRuntime': [{'args': ['x']}]}}",
    "hooks.createRuntime[0].path", "required field" },
  { "hook path relative", "{" BASE ", 'hooks': {'poststart': [{'path': 'bin/true'}]}}",
    "hooks.poststart[0].path", "not an absolute path" },
  { "hook timeout 0",
    "{" BASE ", 'hooks': {'createContainer': [{'path': '/a'}, {'path': '/b', 'timeout': 0}]}}",
    "hooks.createContainer[1].timeout", "is not a timeout" },
  { "hook timeout negative", "{" BASE ", 'hooks': {'startContainer': [{'path': '/a', 'timeout': -3}]}}",
    "hooks.startContainer[0].timeout", "-3 is not a timeout" },
  { "hook prestart relative", "{" BASE ", 'hooks': {'prestart': [{'path': 'x'}]}}",
    "hooks.prestart[0].path", "absolute" },
  { "hook poststop relative", "{" BASE ", 'hooks': {'poststop': [{'path': 'x'}]}}",
    "hooks.poststop[0].path", "absolute" },

  /* ---- namespaces and ID mappings */
  { "namespaces good", "{" BASE ", 'linux': {" NS ("{'type': 'pid'}, {'type': 'mount'}, "
                                                  "{'type': 'network', 'path': '/proc/1/ns/net'}") "}}",
    NULL, NULL },
  { "namespace duplicate", "{" BASE ", 'linux': {" NS ("{'type': 'pid'}, {'type': 'ipc'}, {'type': 'pid'}") "}}",
    "linux.namespaces[2].type", "duplicate \"pid\" namespace (also linux.namespaces[0])" },
  { "namespace path relative", "{" BASE ", 'linux': {" NS ("{'type': 'ipc', 'path': 'ns/ipc'}") "}}",
    "linux.namespaces[0].path", "/proc/PID/ns/ipc" },
  { "mappings without userns",
    "{" BASE ", 'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
    "linux.uidMappings", "need a user namespace" },
  { "gid mappings without userns",
    "{" BASE ", 'linux': {'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
    "linux.gidMappings", "need a user namespace" },
  { "new userns without mappings", "{" BASE ", 'linux': {" NS ("{'type': 'user'}") "}}",
    "linux.namespaces", "needs linux.uidMappings and linux.gidMappings" },
  { "joined userns without mappings",
    "{" BASE ", 'linux': {" NS ("{'type': 'user', 'path': '/proc/1/ns/user'}") "}}", NULL, NULL },
  { "userns with mappings", "{" BASE ", 'linux': {" USERNS_MAPPED "}}", NULL, NULL },
  { "uidMappings size 0",
    "{" BASE ", 'linux': {" NS ("{'type': 'user'}") ", 'uidMappings': [{'containerID': 0, "
    "'hostID': 1, 'size': 1}, {'containerID': 1, 'hostID': 2, 'size': 0}]}}",
    "linux.uidMappings[1].size", "at least 1" },
  { "uidMappings containerID wraps",
    "{" BASE ", 'linux': {" NS ("{'type': 'user'}") ", 'uidMappings': [{'containerID': 4294967000, "
    "'hostID': 1, 'size': 1000}]}}",
    "linux.uidMappings[0]", "containerID 4294967000 + size 1000 runs past 4294967295" },
  { "gidMappings hostID wraps",
    "{" BASE ", 'linux': {" NS ("{'type': 'user'}") ", 'gidMappings': [{'containerID': 0, "
    "'hostID': 4294967295, 'size': 2}]}}",
    "linux.gidMappings[0]", "hostID" },
  { "mapping up to the last ID",
    "{" BASE ", 'linux': {" NS ("{'type': 'user'}") ", 'uidMappings': [{'containerID': 4294967295, "
    "'hostID': 4294967295, 'size': 1}]}}",
    NULL, NULL },

  /* ---- time namespace */
  { "timeOffsets good",
    "{" BASE ", 'linux': {" NS ("{'type': 'time'}") ", 'timeOffsets': {'monotonic': {'secs': 10, "
    "'nanosecs': 999999999}}}}",
    NULL, NULL },
  { "timeOffsets without time ns",
    "{" BASE ", 'linux': {'timeOffsets': {'boottime': {'secs': 10}}}}", "linux.timeOffsets",
    "need a new time namespace" },
  { "timeOffsets with joined time ns",
    "{" BASE ", 'linux': {" NS ("{'type': 'time', 'path': '/proc/1/ns/time'}") ", 'timeOffsets': "
    "{'monotonic': {'secs': 1}}}}",
    "linux.timeOffsets", "without a path" },
  { "timeOffsets nanosecs too big",
    "{" BASE ", 'linux': {" NS ("{'type': 'time'}") ", 'timeOffsets': {'boottime': {'secs': 1, "
    "'nanosecs': 1000000000}}}}",
    "linux.timeOffsets[\"boottime\"].nanosecs", "below 1000000000" },

  /* ---- UTS */
  { "hostname with uts ns", "{" BASE ", 'hostname': 'box', 'linux': {" NS ("{'type': 'uts'}") "}}", NULL,
    NULL },
  { "hostname with joined uts ns",
    "{" BASE ", 'hostname': 'box', 'linux': {" NS ("{'type': 'uts', 'path': '/proc/1/ns/uts'}") "}}",
    NULL, NULL },
  { "hostname without uts ns", "{" BASE ", 'hostname': 'box', 'linux': {" NS ("{'type': 'pid'}") "}}",
    "hostname", "private UTS namespace" },
  { "domainname without uts ns", "{" BASE ", 'domainname': 'example.org'}", "domainname",
    "private UTS namespace" },
  { "empty hostname without uts ns", "{" BASE ", 'hostname': ''}", NULL, NULL },

  /* ---- devices */
  { "devices good",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}, "
    "{'path': '/dev/fifo', 'type': 'p'}, {'path': '/dev/big', 'type': 'b', 'major': 4095, "
    "'minor': 1048575}]}}",
    NULL, NULL },
  { "device path missing", "{" BASE ", 'linux': {'devices': [{'type': 'c', 'major': 1, 'minor': 3}]}}",
    "linux.devices[0].path", "required field" },
  { "device path relative",
    "{" BASE ", 'linux': {'devices': [{'path': 'dev/x', 'type': 'c', 'major': 1, 'minor': 3}]}}",
    "linux.devices[0].path", "not an absolute path" },
  { "device major too big",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': 4096, 'minor': 0}]}}",
    "linux.devices[0].major", "4096 is not a device major number" },
  { "device major negative",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'b', 'major': -1, 'minor': 0}]}}",
    "linux.devices[0].major", "not a device major number" },
  { "device minor too big",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'u', 'major': 1, 'minor': 1048576}]}}",
    "linux.devices[0].minor", "1048576 is not a device minor number" },

  /* ---- resources */
  { "memory limit at the floor",
    "{" BASE ", 'linux': {'resources': {'memory': {'limit': 262144}}}}", NULL, NULL },
  { "memory limit -1", "{" BASE ", 'linux': {'resources': {'memory': {'limit': -1}}}}", NULL, NULL },
  { "memory limit below the floor",
    "{" BASE ", 'linux': {'resources': {'memory': {'limit': 262143}}}}",
    "linux.resources.memory.limit", "262143 bytes is below the 262144 bytes" },
  { "unified memory.max below the floor",
    "{" BASE ", 'linux': {'resources': {'unified': {'memory.max': '4096\\n'}}}}",
    "linux.resources.unified[\"memory.max\"]", "4096 bytes is below" },
  { "unified memory.max max", "{" BASE ", 'linux': {'resources': {'unified': {'memory.max': 'max'}}}}",
    NULL, NULL },
  { "unified memory.high small", "{" BASE ", 'linux': {'resources': {'unified': {'memory.high': '1'}}}}",
    NULL, NULL },
  { "unified key with slash",
    "{" BASE ", 'linux': {'resources': {'unified': {'../../cgroup.procs': '1'}}}}",
    "linux.resources.unified[\"../../cgroup.procs\"]", "not a cgroup file name" },
  { "unified key ..", "{" BASE ", 'linux': {'resources': {'unified': {'..': '1'}}}}",
    "linux.resources.unified[\"..\"]", "not a cgroup file name" },
  { "device cgroup good",
    "{" BASE ", 'linux': {'resources': {'devices': [{'allow': false, 'access': 'rwm'}, "
    "{'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rw'}]}}}",
    NULL, NULL },
  { "device cgroup access bad",
    "{" BASE ", 'linux': {'resources': {'devices': [{'allow': true, 'type': 'a', 'access': 'rwx'}]}}}",
    "linux.resources.devices[0].access", "\"rwx\" is not an access mode" },
  { "device cgroup access empty",
    "{" BASE ", 'linux': {'resources': {'devices': [{'allow': true, 'type': 'a', 'access': ''}]}}}",
    "linux.resources.devices[0].access", "not an access mode" },
  { "hugepageLimits good",
    "{" BASE ", 'linux': {'resources': {'hugepageLimits': [{'pageSize': '2MB', 'limit': 0}]}}}", NULL,
    NULL },
  { "hugepageLimits pageSize missing",
    "{" BASE ", 'linux': {'resources': {'hugepageLimits': [{'limit': 0}]}}}",
    "linux.resources.hugepageLimits[0].pageSize", "required field" },
  { "hugepageLimits pageSize with slash",
    "{" BASE ", 'linux': {'resources': {'hugepageLimits': [{'pageSize': '2MB', 'limit': 0}, "
    "{'pageSize': '../x', 'limit': 0}]}}}",
    "linux.resources.hugepageLimits[1].pageSize", "not a page size" },
  { "rdma good",
    "{" BASE ", 'linux': {'resources': {'rdma': {'mlx5_1': {'hcaHandles': 3}}}}}", NULL, NULL },
  { "rdma device with newline",
    "{" BASE ", 'linux': {'resources': {'rdma': {'mlx5\\nother': {'hcaHandles': 3}}}}}",
    "linux.resources.rdma", "not a device name" },
  { "rdma device with slash",
    "{" BASE ", 'linux': {'resources': {'rdma': {'a/b': {'hcaHandles': 3}}}}}",
    "linux.resources.rdma", "no spaces, newlines or slashes" },

  /* ---- seccomp */
  { "seccomp good",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1, "
    "'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 5, "
    "'value': 1, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}}}",
    NULL, NULL },
  { "seccomp defaultAction missing", "{" BASE ", 'linux': {'seccomp': {'syscalls': []}}}",
    "linux.seccomp.defaultAction", "required field" },
  { "seccomp defaultAction unknown", "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_NOPE'}}}",
    "linux.seccomp.defaultAction", "unknown action \"SCMP_ACT_NOPE\"" },
  { "seccomp defaultErrnoRet on ALLOW",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': 1}}}",
    "linux.seccomp.defaultAction", "SCMP_ACT_ALLOW returns no errno" },
  { "seccomp errnoRet on TRACE",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['ptrace'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 1}]}}}",
    NULL, NULL },
  { "seccomp names empty list",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], "
    "'action': 'SCMP_ACT_ERRNO'}]}}}",
    "linux.seccomp.syscalls[0].names", "at least one syscall" },
  { "seccomp name empty",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read', ''], 'action': 'SCMP_ACT_ERRNO'}]}}}",
    "linux.seccomp.syscalls[0].names[1]", "must not be empty" },
  { "seccomp syscall action missing",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_ERRNO'}, {'names': ['write']}]}}}",
    "linux.seccomp.syscalls[1].action", "required field" },
  { "seccomp syscall action unknown",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_DENY'}]}}}",
    "linux.seccomp.syscalls[0].action", "unknown action" },
  { "seccomp syscall errnoRet on KILL",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_KILL', 'errnoRet': 1}]}}}",
    "linux.seccomp.syscalls[0].action", "SCMP_ACT_KILL returns no errno" },
  { "seccomp arg index 6",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}]}}}",
    "linux.seccomp.syscalls[0].args[0].index", "6 is out of range" },
  { "seccomp arg op missing",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}, "
    "{'index': 1, 'value': 0}]}]}}}",
    "linux.seccomp.syscalls[0].args[1].op", "required field" },
  { "seccomp arg op unknown",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_XX'}]}]}}}",
    "linux.seccomp.syscalls[0].args[0].op", "unknown operator \"SCMP_CMP_XX\"" },
  { "seccomp notify without listener",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
    "['mount'], 'action': 'SCMP_ACT_NOTIFY'}]}}}",
    "linux.seccomp.listenerPath", "needs a listener" },
  { "seccomp notify default without listener",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_NOTIFY'}}}",
    "linux.seccomp.listenerPath", "needs a listener" },
  { "seccomp notify with listener",
    "{" BASE ", 'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': "
    "'/run/agent.sock', 'syscalls': [{'names': ['mount'], 'action': 'SCMP_ACT_NOTIFY'}]}}}",
    NULL, NULL },

  /* ---- sysctl, masked/readonly paths */
  { "sysctl good", "{" BASE ", 'linux': {'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1'}}}",
    NULL, NULL },
  { "sysctl with slash", "{" BASE ", 'linux': {'sysctl': {'net/ipv4': '1'}}}",
    "linux.sysctl[\"net/ipv4\"]", "not a sysctl name" },
  { "sysctl with ..", "{" BASE ", 'linux': {'sysctl': {'net..x': '1'}}}", "linux.sysctl[\"net..x\"]",
    "dotted form" },
  { "sysctl leading dot", "{" BASE ", 'linux': {'sysctl': {'.net': '1'}}}", "linux.sysctl[\".net\"]",
    "not a sysctl name" },
  { "sysctl trailing dot", "{" BASE ", 'linux': {'sysctl': {'net.': '1'}}}", "linux.sysctl[\"net.\"]",
    "not a sysctl name" },
  { "sysctl empty", "{" BASE ", 'linux': {'sysctl': {'': '1'}}}", "linux.sysctl[\"\"]",
    "not a sysctl name" },
  { "maskedPaths good", "{" BASE ", 'linux': {'maskedPaths': ['/proc/kcore'], 'readonlyPaths': "
                        "['/proc/sys']}}",
    NULL, NULL },
  { "maskedPaths relative", "{" BASE ", 'linux': {'maskedPaths': ['/proc/kcore', 'proc/keys']}}",
    "linux.maskedPaths[1]", "not an absolute path" },
  { "maskedPaths empty", "{" BASE ", 'linux': {'maskedPaths': ['']}}", "linux.maskedPaths[0]",
    "required field" },
  { "readonlyPaths relative", "{" BASE ", 'linux': {'readonlyPaths': ['sys']}}",
    "linux.readonlyPaths[0]", "not an absolute path" },

  /* ---- propagation, personality, intelRdt, netDevices */
  { "rootfsPropagation good", "{" BASE ", 'linux': {'rootfsPropagation': 'rslave'}}", NULL, NULL },
  { "rootfsPropagation unknown", "{" BASE ", 'linux': {'rootfsPropagation': 'recursive'}}",
    "linux.rootfsPropagation", "unknown propagation \"recursive\"" },
  { "personality good", "{" BASE ", 'linux': {'personality': {'domain': 'LINUX32'}}}", NULL, NULL },
  { "personality domain missing", "{" BASE ", 'linux': {'personality': {'flags': []}}}",
    "linux.personality.domain", "required field" },
  { "personality domain unknown", "{" BASE ", 'linux': {'personality': {'domain': 'LINUX64'}}}",
    "linux.personality.domain", "unknown domain \"LINUX64\"" },
  { "intelRdt closID good", "{" BASE ", 'linux': {'intelRdt': {'closID': 'grp1'}}}", NULL, NULL },
  { "intelRdt closID ..", "{" BASE ", 'linux': {'intelRdt': {'closID': '..'}}}", "linux.intelRdt.closID",
    "not a resctrl group name" },
  { "intelRdt closID slash", "{" BASE ", 'linux': {'intelRdt': {'closID': 'a/b'}}}",
    "linux.intelRdt.closID", "not a resctrl group name" },
  { "netDevices good",
    "{" BASE ", 'linux': {" NS ("{'type': 'network'}") ", 'netDevices': {'eth1': {'name': 'ctr0'}}}}",
    NULL, NULL },
  { "netDevices without netns", "{" BASE ", 'linux': {'netDevices': {'eth1': {}}}}", "linux.netDevices",
    "needs a network namespace" },
  { "netDevices host name too long",
    "{" BASE ", 'linux': {" NS ("{'type': 'network'}") ", 'netDevices': {'abcdefghijklmnop': {}}}}",
    "linux.netDevices[\"abcdefghijklmnop\"]", "not an interface name" },
  { "netDevices name with colon",
    "{" BASE ", 'linux': {" NS ("{'type': 'network'}") ", 'netDevices': {'eth1': {'name': 'a:b'}}}}",
    "linux.netDevices[\"eth1\"].name", "\"a:b\" is not an interface name" },
};

/* Values spec_parse already refuses, which validate.c checks again for
   specs built by other means: set after parsing. */
struct mcase
{
  struct vcase c;
  void (*mutate) (struct spec *s);
};

static const struct mcase mutated_cases[] = {
  { { "device type unknown",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': 1, 'minor': 3}]}}",
    "linux.devices[0].type", "unknown device type 'z'" }, device_type_z },
  { { "device type unset",
    "{" BASE ", 'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'major': 1, 'minor': 3}]}}",
    "linux.devices[0].type", "unknown device type '?'" }, device_type_nul },
  { { "device cgroup type unknown",
    "{" BASE ", 'linux': {'resources': {'devices': [{'allow': true, 'type': 'c'}]}}}",
    "linux.resources.devices[0].type", "unknown device type 'p'" }, cgroup_device_type_p },
};

/* One case: parse (must succeed), validate, compare the verdict and path. */
static void
run_case (const struct vcase *c, void (*mutate) (struct spec *))
{
  _cleanup_free_ char *json = q (c->json);
  _cleanup_error_ struct casco_error *err = NULL;
  struct spec *s = NULL;
  if (spec_parse (json, strlen (json), &s, &err) < 0)
    {
      _cleanup_free_ char *t = casco_error_text (err);
      printf ("#   %s: parse failed: %s\n", c->name, t);
      unit_current_failed = 1;
      return;
    }
  if (mutate)
    mutate (s);
  int r = spec_validate (s, &err);
  spec_free (s);
  if (c->path == NULL)
    {
      if (r != 0)
        {
          _cleanup_free_ char *t = casco_error_text (err);
          printf ("#   %s: expected valid, got: %s\n", c->name, t);
          unit_current_failed = 1;
        }
      return;
    }
  if (r == 0 || err == NULL)
    {
      printf ("#   %s: expected an error at %s, got valid\n", c->name, c->path);
      unit_current_failed = 1;
      return;
    }
  /* Validation errors are config errors: they name a path and carry no errno. */
  if (err->json_path == NULL || strcmp (err->json_path, c->path) != 0)
    {
      printf ("#   %s: path \"%s\" != \"%s\" (%s)\n", c->name, err->json_path ? err->json_path : "(null)",
              c->path, err->msg);
      unit_current_failed = 1;
    }
  if (c->msg && (err->msg == NULL || strstr (err->msg, c->msg) == NULL))
    {
      printf ("#   %s: message \"%s\" lacks \"%s\"\n", c->name, err->msg ? err->msg : "(null)", c->msg);
      unit_current_failed = 1;
    }
}

/* Each case is its own TAP line, so a failure names the check. */
int
main (void)
{
  size_t n = ARRAY_SIZE (cases), m = ARRAY_SIZE (mutated_cases);
  for (size_t i = 0; i < n + m; i++)
    {
      const struct vcase *c = i < n ? &cases[i] : &mutated_cases[i - n].c;
      unit_current_failed = 0;
      run_case (c, i < n ? NULL : mutated_cases[i - n].mutate);
      unit_total++;
      if (unit_current_failed)
        unit_failures++;
      printf ("%s %d - %s\n", unit_current_failed ? "not ok" : "ok", unit_total, c->name);
    }
  return UNIT_DONE ();
}

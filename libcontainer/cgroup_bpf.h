/* casco — the cgroup v2 device filter: linux.resources.devices compiled to
   a BPF_PROG_TYPE_CGROUP_DEVICE program (raw instructions, no libbpf),
   loaded and attached to the container's cgroup.

   Semantics (cgroup v1's devices.allow/deny list, as runc applies it):
   rules are read in order and the LAST rule that matches a device and an
   access decides; nothing matching means deny.  Each access bit (m, r, w)
   is decided on its own, so "allow c 1:3 rwm" followed by "deny c 1:3 w"
   lets O_RDONLY through and refuses O_RDWR. */
#ifndef CASCO_CGROUP_BPF_H
#define CASCO_CGROUP_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "casco/spec.h"

struct casco_error;

#define CGROUP_DEV_WILDCARD (-1)

struct cgroup_dev_rule
{
  bool allow;
  char type;              /* 'a' (any), 'c' or 'b' */
  int64_t major, minor;   /* CGROUP_DEV_WILDCARD for '*' */
  unsigned access;        /* BPF_DEVCG_ACC_* bits */
};

/* "rwm" subset -> BPF_DEVCG_ACC_* bits; NULL means all three.  -1 on any
   other letter or an empty string. */
int cgroup_dev_access_parse (const char *access);

/* The rule list the filter enforces, in order: the config's
   linux.resources.devices, then the devices runc allows every container
   (null, zero, full, random, urandom, tty, ptmx, the ptys, tun, mknod of
   anything), then every node of linux.devices (the config asked for the node,
   so it may use it).  Errors name the JSON path. */
int cgroup_dev_rules_build (const struct spec_device_cgroup *rules, size_t n_rules,
                            const struct cgroup_dev_rule *extra, size_t n_extra,
                            struct cgroup_dev_rule **out, size_t *n_out, struct casco_error **err);

/* linux.devices -> "allow TYPE MAJ:MIN rwm" rules (fifos are not subject to
   the filter and are skipped). */
void cgroup_dev_rules_from_devices (const struct spec_device *devs, size_t n,
                                    struct cgroup_dev_rule **out, size_t *n_out);

/* Compile the rules into a program (pure: no syscalls).  Caller frees *insns. */
int cgroup_bpf_compile (const struct cgroup_dev_rule *rules, size_t n, struct bpf_insn **insns,
                        size_t *n_insns, struct casco_error **err);

/* Load the program and attach it to the cgroup (BPF_F_ALLOW_MULTI), then
   detach any device program attached there before it, so the new filter
   replaces the old one instead of being ANDed with it. */
int cgroup_bpf_install (int cgroup_fd, const struct bpf_insn *insns, size_t n_insns,
                        struct casco_error **err);

#endif

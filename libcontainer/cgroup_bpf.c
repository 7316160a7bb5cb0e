/* The cgroup v2 device filter: rules -> BPF_PROG_TYPE_CGROUP_DEVICE
   instructions -> bpf(BPF_PROG_LOAD) -> bpf(BPF_PROG_ATTACH). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/bpf.h>

#include "casco/error.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "cgroup_bpf.h"

/* More rules than this is a broken config, and the program must stay far
   below the verifier's limits and the 16-bit jump range. */
#define MAX_DEV_RULES 1024

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

int
cgroup_dev_access_parse (const char *access)
{
  if (access == NULL)
    return ACC_ALL;
  if (*access == '\0')
    return -1;
  int bits = 0;
  for (const char *p = access; *p; p++)
    switch (*p)
      {
      case 'r': bits |= BPF_DEVCG_ACC_READ; break;
      case 'w': bits |= BPF_DEVCG_ACC_WRITE; break;
      case 'm': bits |= BPF_DEVCG_ACC_MKNOD; break;
      default: return -1;
      }
  return bits;
}

/* What runc (specconv.AllowedDevices) lets every container use, whatever
   the config says: docker and friends rely on it. */
static const struct cgroup_dev_rule default_rules[] = {
  { true, 'c', CGROUP_DEV_WILDCARD, CGROUP_DEV_WILDCARD, BPF_DEVCG_ACC_MKNOD },
  { true, 'b', CGROUP_DEV_WILDCARD, CGROUP_DEV_WILDCARD, BPF_DEVCG_ACC_MKNOD },
  { true, 'c', 1, 3, ACC_ALL },                      /* /dev/null */
  { true, 'c', 1, 8, ACC_ALL },                      /* /dev/random */
  { true, 'c', 1, 7, ACC_ALL },                      /* /dev/full */
  { true, 'c', 5, 0, ACC_ALL },                      /* /dev/tty */
  { true, 'c', 1, 5, ACC_ALL },                      /* /dev/zero */
  { true, 'c', 1, 9, ACC_ALL },                      /* /dev/urandom */
  { true, 'c', 136, CGROUP_DEV_WILDCARD, ACC_ALL },  /* /dev/pts/N (and the console) */
  { true, 'c', 5, 2, ACC_ALL },                      /* /dev/ptmx */
  { true, 'c', 10, 200, ACC_ALL },                   /* /dev/net/tun: runc kept it for compatibility */
};

/* major/minor as the config writes them: absent or -1 is '*'. */
static int
dev_number (bool has, int64_t v, const char *jpath, int64_t *out, struct casco_error **err)
{
  if (!has || v == CGROUP_DEV_WILDCARD)
    {
      *out = CGROUP_DEV_WILDCARD;
      return 0;
    }
  if (v < 0 || v > INT32_MAX)
    return casco_error_config (err, jpath, "%" PRId64 " is not a device number: use 0..%d, or -1 / leave it "
                                           "out for any", v, INT32_MAX);
  *out = v;
  return 0;
}

int
cgroup_dev_rules_build (const struct spec_device_cgroup *rules, size_t n_rules,
                        const struct cgroup_dev_rule *extra, size_t n_extra,
                        struct cgroup_dev_rule **out, size_t *n_out, struct casco_error **err)
{
  size_t total = n_rules + ARRAY_SIZE (default_rules) + n_extra;
  if (n_rules > MAX_DEV_RULES || n_extra > MAX_DEV_RULES)
    return casco_error_config (err, "linux.resources.devices",
                               "%zu device rules is more than casco supports (%d)",
                               n_rules > n_extra ? n_rules : n_extra, MAX_DEV_RULES);
  _cleanup_free_ struct cgroup_dev_rule *v = xmalloc0 (total * sizeof *v);
  size_t k = 0;
  for (size_t i = 0; i < n_rules; i++, k++)
    {
      const struct spec_device_cgroup *d = &rules[i];
      char jpath[64];
      v[k].allow = d->allow;
      v[k].type = d->type ? d->type : 'a';
      if (strchr ("acb", v[k].type) == NULL)
        {
          snprintf (jpath, sizeof jpath, "linux.resources.devices[%zu].type", i);
          return casco_error_config (err, jpath, "unknown device type '%c': use \"a\", \"c\" or \"b\"",
                                     v[k].type);
        }
      snprintf (jpath, sizeof jpath, "linux.resources.devices[%zu].major", i);
      if (dev_number (d->has_major, d->major, jpath, &v[k].major, err) < 0)
        return -1;
      snprintf (jpath, sizeof jpath, "linux.resources.devices[%zu].minor", i);
      if (dev_number (d->has_minor, d->minor, jpath, &v[k].minor, err) < 0)
        return -1;
      int acc = cgroup_dev_access_parse (d->access);
      if (acc < 0)
        {
          snprintf (jpath, sizeof jpath, "linux.resources.devices[%zu].access", i);
          return casco_error_config (err, jpath, "\"%s\" is not an access mode: use letters from \"rwm\"",
                                     d->access);
        }
      v[k].access = (unsigned) acc;
    }
  memcpy (v + k, default_rules, sizeof default_rules);
  k += ARRAY_SIZE (default_rules);
  if (n_extra)
    memcpy (v + k, extra, n_extra * sizeof *extra);
  *n_out = total;
  *out = steal_pointer (&v);
  return 0;
}

void
cgroup_dev_rules_from_devices (const struct spec_device *devs, size_t n,
                               struct cgroup_dev_rule **out, size_t *n_out)
{
  *out = n ? xmalloc0 (n * sizeof **out) : NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    {
      /* A fifo is not a device: the filter never sees it. */
      if (devs[i].type != 'c' && devs[i].type != 'u' && devs[i].type != 'b')
        continue;
      if (devs[i].major < 0 || devs[i].major > INT32_MAX || devs[i].minor < 0
          || devs[i].minor > INT32_MAX)
        continue;   /* mknod refuses it anyway */
      (*out)[k++] = (struct cgroup_dev_rule){ .allow = true, .type = devs[i].type == 'b' ? 'b' : 'c',
                                              .major = devs[i].major, .minor = devs[i].minor,
                                              .access = ACC_ALL };
    }
  *n_out = k;
}

/* ---- the emitter ----------------------------------------------------------

   Registers after the prologue (the context is struct bpf_cgroup_dev_ctx):
     r2 = device type (BPF_DEVCG_DEV_*), r3 = requested access bits,
     r4 = major, r5 = minor.
   Then one block per access bit.  A block is skipped when the bit is not
   requested; otherwise it walks the rules that mention the bit from the last
   to the first and stops at the first that matches the device: a deny
   returns 0, an allow jumps to the next block.  No match denies.  After the
   three blocks every requested bit was allowed: return 1. */

enum { R0 = 0, R1, R2, R3, R4, R5 };

struct emitter
{
  struct bpf_insn *v;
  size_t n, cap;
};

static size_t
emit (struct emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  if (e->n == e->cap)
    e->v = xrealloc (e->v, (e->cap = e->cap ? e->cap * 2 : 64) * sizeof *e->v);
  e->v[e->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
  return e->n++;
}

static void
emit_return (struct emitter *e, int32_t verdict)
{
  emit (e, BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, verdict);
  emit (e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* Point the jump at index `at` to `target`. */
static void
patch (struct emitter *e, size_t at, size_t target)
{
  e->v[at].off = (int16_t) (target - at - 1);
}

static bool
rule_matches_all (const struct cgroup_dev_rule *r)
{
  return r->type == 'a' && r->major == CGROUP_DEV_WILDCARD && r->minor == CGROUP_DEV_WILDCARD;
}

/* One rule: "if the device matches, act", as conditions that skip the rule. */
static void
emit_rule (struct emitter *e, const struct cgroup_dev_rule *r, size_t *pending, size_t *n_pending)
{
  int32_t vals[3];
  uint8_t regs[3];
  int c = 0;
  if (r->type != 'a')
    {
      regs[c] = R2;
      vals[c++] = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
    }
  if (r->major != CGROUP_DEV_WILDCARD)
    {
      regs[c] = R4;
      vals[c++] = (int32_t) r->major;
    }
  if (r->minor != CGROUP_DEV_WILDCARD)
    {
      regs[c] = R5;
      vals[c++] = (int32_t) r->minor;
    }
  int action = r->allow ? 1 : 2;
  /* The registers hold zero-extended u32 and vals are >= 0: a 64-bit
     compare with the (sign-extended) immediate is exact. */
  for (int i = 0; i < c; i++)
    emit (e, BPF_JMP | BPF_JNE | BPF_K, regs[i], 0, (int16_t) (c - i - 1 + action), vals[i]);
  if (r->allow)
    pending[(*n_pending)++] = emit (e, BPF_JMP | BPF_JA, 0, 0, 0, 0);
  else
    emit_return (e, 0);
}

int
cgroup_bpf_compile (const struct cgroup_dev_rule *rules, size_t n, struct bpf_insn **insns,
                    size_t *n_insns, struct casco_error **err)
{
  if (n > 3 * MAX_DEV_RULES)
    return casco_error_set (err, 0, "device filter: %zu rules is more than casco supports", n);
  for (size_t i = 0; i < n; i++)
    {
      const struct cgroup_dev_rule *r = &rules[i];
      if ((r->type != 'a' && r->type != 'c' && r->type != 'b') || r->access == 0
          || (r->access & ~(unsigned) ACC_ALL) || r->major < -1 || r->major > INT32_MAX
          || r->minor < -1 || r->minor > INT32_MAX)
        return casco_error_set (err, 0, "device filter: rule %zu is malformed", i);
    }

  struct emitter e = { 0 };
  /* The context's first word packs (access << 16) | type. */
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0);
  emit (&e, BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0);
  emit (&e, BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0);
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0);

  static const unsigned bits[] = { BPF_DEVCG_ACC_MKNOD, BPF_DEVCG_ACC_READ, BPF_DEVCG_ACC_WRITE };
  _cleanup_free_ size_t *pending = xmalloc0 ((n + 1) * sizeof *pending);
  for (size_t b = 0; b < ARRAY_SIZE (bits); b++)
    {
      /* The last rule that mentions the bit decides first. */
      ssize_t last = -1;
      for (size_t i = n; i-- > 0;)
        if (rules[i].access & bits[b])
          {
            last = (ssize_t) i;
            break;
          }
      /* Allowed for every device: nothing to check for this bit. */
      if (last >= 0 && rules[last].allow && rule_matches_all (&rules[last]))
        continue;

      size_t n_pending = 0;
      /* Not requested: skip the block.  (w1 = w3 & bit; if r1 == 0 goto end) */
      emit (&e, BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
      emit (&e, BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t) bits[b]);
      pending[n_pending++] = emit (&e, BPF_JMP | BPF_JEQ | BPF_K, R1, 0, 0, 0);
      bool decided = false;
      for (ssize_t i = last; i >= 0 && !decided; i--)
        {
          const struct cgroup_dev_rule *r = &rules[i];
          if (!(r->access & bits[b]))
            continue;
          emit_rule (&e, r, pending, &n_pending);
          /* Rules before one that matches every device can never decide. */
          decided = rule_matches_all (r);
        }
      if (!decided)
        emit_return (&e, 0);
      for (size_t i = 0; i < n_pending; i++)
        patch (&e, pending[i], e.n);
    }
  emit_return (&e, 1);

  if (e.n > INT16_MAX)
    {
      free (e.v);
      return casco_error_set (err, 0, "device filter: %zu rules make a program too large", n);
    }
  *insns = e.v;
  *n_insns = e.n;
  return 0;
}

/* ---- load and attach -------------------------------------------------------- */

static int
bpf_prog_load (const struct bpf_insn *insns, size_t n, char *log, size_t log_size)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  /* No helper is called, so no GPL-only symbol: the license is informational. */
  attr.license = (uint64_t) (uintptr_t) "Apache";
  if (log)
    {
      attr.log_buf = (uint64_t) (uintptr_t) log;
      attr.log_size = (uint32_t) log_size;
      attr.log_level = 1;
    }
  strncpy (attr.prog_name, "casco_devices", sizeof attr.prog_name - 1);
  return sys_bpf (BPF_PROG_LOAD, &attr, sizeof attr);
}

/* Ids of the device programs attached directly to this cgroup. */
static int
bpf_query_device_progs (int cgroup_fd, uint32_t *ids, uint32_t *n)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) cgroup_fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr, sizeof attr) < 0)
    return -1;
  *n = attr.query.prog_cnt;
  return 0;
}

int
cgroup_bpf_install (int cgroup_fd, const struct bpf_insn *insns, size_t n_insns,
                    struct casco_error **err)
{
  /* Whatever is attached now is replaced once the new filter is in place:
     never a moment without a filter. */
  uint32_t old_ids[64];
  uint32_t n_old = ARRAY_SIZE (old_ids);
  if (bpf_query_device_progs (cgroup_fd, old_ids, &n_old) < 0)
    {
      if (errno == ENOSPC)
        return casco_error_set (err, 0, "device filter: too many device programs attached to the cgroup");
      n_old = 0;   /* nothing we could see: nothing to replace */
    }
  if (n_old > ARRAY_SIZE (old_ids))
    n_old = ARRAY_SIZE (old_ids);

  _cleanup_close_ int prog = bpf_prog_load (insns, n_insns, NULL, 0);
  if (prog < 0)
    {
      int saved = errno;
      /* Load again with the verifier's log, for the message. */
      size_t log_size = 64 * 1024;
      _cleanup_free_ char *log = xmalloc0 (log_size);
      _cleanup_close_ int again = bpf_prog_load (insns, n_insns, log, log_size);
      if (again >= 0)
        prog = steal_fd (&again);
      else
        {
          size_t len = strlen (log);
          while (len && log[len - 1] == '\n')
            log[--len] = '\0';
          const char *tail = len > 400 ? log + len - 400 : log;
          if (saved == EPERM)
            return casco_error_set (err, saved, "load the device filter (BPF_PROG_LOAD needs CAP_SYS_ADMIN "
                                                "or CAP_BPF)");
          return casco_error_set (err, saved, "load the device filter (BPF_PROG_LOAD)%s%s",
                                  *tail ? "; verifier: " : "", tail);
        }
    }

  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgroup_fd;
  attr.attach_bpf_fd = (uint32_t) prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr, sizeof attr) < 0)
    return casco_error_set (err, errno, "attach the device filter to the cgroup (BPF_PROG_ATTACH)");

  for (uint32_t i = 0; i < n_old; i++)
    {
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old_ids[i];
      _cleanup_close_ int old = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr, sizeof attr);
      if (old < 0)
        {
          if (errno == ENOENT)
            continue;   /* already gone */
          return casco_error_set (err, errno, "device filter: open the previous program (id %u)", old_ids[i]);
        }
      memset (&attr, 0, sizeof attr);
      attr.target_fd = (uint32_t) cgroup_fd;
      attr.attach_bpf_fd = (uint32_t) old;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr, sizeof attr) < 0 && errno != ENOENT)
        return casco_error_set (err, errno, "device filter: detach the previous program (id %u)", old_ids[i]);
    }
  return 0;
}

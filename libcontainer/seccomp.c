/* linux.seccomp -> classic BPF via libseccomp, installed with seccomp(2). */
#include <ctype.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <sys/socket.h>
#include <sys/un.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/log.h"
#include "util.h"
#include "seccomp_filter.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int
seccomp_action_parse (const char *name, bool has_errno, unsigned errno_ret, uint32_t *action)
{
  unsigned ret = has_errno ? errno_ret : EPERM;
  if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *action = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *action = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *action = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *action = SCMP_ACT_ERRNO (ret);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *action = SCMP_ACT_TRACE (ret);
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *action = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *action = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *action = SCMP_ACT_NOTIFY;
  else
    return -1;
  return 0;
}

static int
parse_op (const char *op, enum scmp_compare *out)
{
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; op && i < ARRAY_SIZE (ops); i++)
    if (strcmp (ops[i].name, op) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64". */
static uint32_t
parse_arch (const char *name)
{
  if (strncmp (name, "SCMP_ARCH_", 10) != 0)
    return 0;
  char lower[32];
  size_t n = strlen (name + 10);
  if (n >= sizeof lower)
    return 0;
  for (size_t i = 0; i <= n; i++)
    lower[i] = (char) tolower ((unsigned char) name[10 + i]);
  return seccomp_arch_resolve_name (lower);
}

static int
parse_flags (char **flags, unsigned *out, struct casco_error **err)
{
  *out = 0;
  for (size_t i = 0; flags && flags[i]; i++)
    {
      if (strcmp (flags[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
        *out |= SECCOMP_FILTER_FLAG_LOG;
      else if (strcmp (flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        *out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      else if (strcmp (flags[i], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
        *out |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
      else if (strcmp (flags[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        ;   /* the init is single-threaded: nothing to synchronise */
      else
        {
          char jpath[48];
          snprintf (jpath, sizeof jpath, "linux.seccomp.flags[%zu]", i);
          return casco_error_config (err, jpath, "unknown seccomp flag \"%s\"", flags[i]);
        }
    }
  return 0;
}

static int
add_arches (scmp_filter_ctx ctx, char **arches, struct casco_error **err)
{
  for (size_t i = 0; arches && arches[i]; i++)
    {
      uint32_t arch = parse_arch (arches[i]);
      char jpath[56];
      snprintf (jpath, sizeof jpath, "linux.seccomp.architectures[%zu]", i);
      if (arch == 0)
        return casco_error_config (err, jpath, "unknown architecture \"%s\"", arches[i]);
      int r = seccomp_arch_add (ctx, arch);
      if (r < 0 && r != -EEXIST)
        return casco_error_config (err, jpath, "add architecture \"%s\": %s", arches[i], strerror (-r));
    }
  return 0;
}

/* One rule for a syscall.  Conditions on distinct arguments are ANDed in
   one rule; several conditions on the same argument become separate rules
   (ORed), which is how runc reads such profiles. */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, const struct spec_seccomp_syscall *sc,
          const char *jpath, struct casco_error **err)
{
  struct scmp_arg_cmp cmps[6];
  bool same_index = false;
  if (sc->n_args > 6)
    return casco_error_config (err, jpath, "at most 6 argument conditions are possible");
  for (size_t i = 0; i < sc->n_args; i++)
    {
      enum scmp_compare op;
      if (sc->args[i].index > 5)
        return casco_error_config (err, jpath, "args[%zu].index %u: syscalls have 6 arguments (0-5)", i,
                                   sc->args[i].index);
      if (parse_op (sc->args[i].op, &op) < 0)
        return casco_error_config (err, jpath, "args[%zu].op: unknown operator \"%s\"", i,
                                   sc->args[i].op ? sc->args[i].op : "");
      cmps[i] = (struct scmp_arg_cmp){ .arg = sc->args[i].index, .op = op,
                                       .datum_a = sc->args[i].value, .datum_b = sc->args[i].value_two };
      for (size_t j = 0; j < i; j++)
        if (cmps[j].arg == cmps[i].arg)
          same_index = true;
    }
  int r;
  if (!same_index)
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned) sc->n_args, cmps);
  else
    {
      r = 0;
      for (size_t i = 0; i < sc->n_args && r == 0; i++)
        r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
    }
  if (r < 0)
    return casco_error_config (err, jpath, "add rule: %s", strerror (-r));
  return 0;
}

static int
add_syscalls (scmp_filter_ctx ctx, const struct spec_seccomp *s, uint32_t default_action,
              bool *wants_listener, unsigned *n_rules, struct casco_error **err)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct spec_seccomp_syscall *sc = &s->syscalls[i];
      char jpath[64];
      snprintf (jpath, sizeof jpath, "linux.seccomp.syscalls[%zu]", i);
      uint32_t action;
      if (sc->action == NULL
          || seccomp_action_parse (sc->action, sc->has_errno_ret, sc->errno_ret, &action) < 0)
        return casco_error_config (err, jpath, "unknown action \"%s\"", sc->action ? sc->action : "");
      if (action == SCMP_ACT_NOTIFY)
        *wants_listener = true;
      /* libseccomp refuses rules that repeat the default: they are no-ops. */
      if (action == default_action)
        continue;
      for (size_t k = 0; sc->names && sc->names[k]; k++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names[k]);
          if (nr == __NR_SCMP_ERROR)
            {
              /* Engines send profiles naming syscalls newer than our libseccomp. */
              casco_debug ("seccomp: syscall \"%s\" unknown to libseccomp, rule skipped", sc->names[k]);
              continue;
            }
          if (add_rule (ctx, action, nr, sc, jpath, err) < 0)
            return -1;
          (*n_rules)++;
        }
    }
  return 0;
}

/* libseccomp writes BPF to an fd: give it a memfd and read it back. */
static int
export_bpf (scmp_filter_ctx ctx, struct seccomp_program *out, struct casco_error **err)
{
  _cleanup_close_ int fd = memfd_create ("casco-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return casco_error_set (err, errno, "memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return casco_error_set (err, -r, "export seccomp filter");
  off_t size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof (struct sock_filter) != 0
      || size / (off_t) sizeof (struct sock_filter) > BPF_MAXINSNS)
    return casco_error_set (err, 0, "seccomp filter has an impossible size (%lld bytes)", (long long) size);
  out->insns = xmalloc0 ((size_t) size);
  if (pread (fd, out->insns, (size_t) size, 0) != size)
    return casco_error_set (err, errno, "read seccomp filter");
  out->len = (unsigned short) (size / (off_t) sizeof (struct sock_filter));
  return 0;
}

int
seccomp_compile (const struct spec_seccomp *s, struct seccomp_program *out, struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  if (s == NULL)
    return 0;
  uint32_t default_action;
  if (s->default_action == NULL
      || seccomp_action_parse (s->default_action, s->has_default_errno_ret, s->default_errno_ret,
                               &default_action) < 0)
    return casco_error_config (err, "linux.seccomp.defaultAction", "unknown action \"%s\"",
                               s->default_action ? s->default_action : "");
  if (parse_flags (s->flags, &out->flags, err) < 0)
    return -1;
  scmp_filter_ctx ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return casco_error_set (err, 0, "seccomp_init failed");
  int rc = -1;
  /* no_new_privs is the config's decision, not libseccomp's. */
  if (seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
    casco_error_set (err, 0, "seccomp: cannot leave no_new_privs to the config");
  /* Syscall numbers sorted into a binary tree rather than tested one after
     another: at load the kernel runs the program once per syscall number
     and ABI to find those it always allows, so a list of hundreds of
     comparisons made that load cost ~1 ms; each filtered syscall in the
     container also takes a few comparisons instead of up to hundreds. */
  else if (seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    casco_error_set (err, 0, "seccomp: cannot ask libseccomp for a binary-tree filter");
  else if (add_arches (ctx, s->architectures, err) == 0
           && add_syscalls (ctx, s, default_action, &out->wants_listener, &out->n_rules, err) == 0
           && export_bpf (ctx, out, err) == 0)
    rc = 0;
  seccomp_release (ctx);
  if (out->wants_listener && s->listener_path == NULL && rc == 0)
    rc = casco_error_config (err, "linux.seccomp.listenerPath",
                             "SCMP_ACT_NOTIFY needs a listenerPath to send the notify fd to");
  if (rc < 0)
    seccomp_program_clear (out);
  return rc;
}

int
seccomp_program_for_spec (const struct spec *spec, struct seccomp_program *out, struct casco_error **err)
{
  /* A config that forgets seccomp still runs confined (precompiled, so the
     default costs no libseccomp work at run time). */
  if (spec->linux_ && spec->linux_->seccomp)
    return seccomp_compile (spec->linux_->seccomp, out, err);
  if (spec->linux_ && spec->linux_->seccomp_absent_unconfined)
    {
      /* the spec's meaning (permissive, or defaults_off = seccomp) */
      memset (out, 0, sizeof *out);
      return 0;
    }
  casco_debug ("linux.seccomp absent: using casco's default profile");
  return seccomp_default_program (out, err);
}

int
seccomp_install (const struct seccomp_program *p, int *listener_fd, struct casco_error **err)
{
  *listener_fd = -1;
  if (p->insns == NULL)
    return 0;
  struct sock_fprog prog = { .len = p->len, .filter = p->insns };
  unsigned flags = p->flags | (p->wants_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0)
    return casco_error_set (err, errno, "install seccomp filter");
  if (p->wants_listener)
    *listener_fd = (int) r;
  return 0;
}

void
seccomp_program_clear (struct seccomp_program *p)
{
  free (p->insns);
  memset (p, 0, sizeof *p);
}

int
seccomp_send_listener (const struct spec_seccomp *s, int notify_fd, pid_t pid,
                       const char *state_json, struct casco_error **err)
{
  json_writer *w = jw_new (false);
  jw_obj_open (w);
  jw_kv_str (w, "ociVersion", CASCO_SPEC_VERSION);
  jw_key (w, "fds");
  jw_arr_open (w);
  jw_str (w, "seccompFd");
  jw_arr_close (w);
  jw_kv_int (w, "pid", pid);
  jw_kv_str (w, "metadata", s->listener_metadata ? s->listener_metadata : "");
  jw_key (w, "state");
  jw_raw (w, state_json);
  jw_obj_close (w);
  size_t len;
  _cleanup_free_ char *text = jw_finish (w, &len);

  _cleanup_close_ int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (sock < 0)
    return casco_error_set (err, errno, "socket");
  if (strlen (s->listener_path) >= sizeof addr.sun_path)
    return casco_error_config (err, "linux.seccomp.listenerPath", "path too long");
  strcpy (addr.sun_path, s->listener_path);
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casco_error_config (err, "linux.seccomp.listenerPath", "connect to `%s`: %s",
                               s->listener_path, strerror (errno));
  if (send_with_fd (sock, text, len, notify_fd) < 0)
    return casco_error_config (err, "linux.seccomp.listenerPath", "send notify fd to `%s`: %s",
                               s->listener_path, strerror (errno));
  return 0;
}

/* ---- running a program -------------------------------------------------- */

uint32_t
seccomp_run (const struct sock_filter *insns, unsigned len, const struct seccomp_data *d)
{
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
  for (unsigned pc = 0; pc < len; pc++)
    {
      const struct sock_filter *f = &insns[pc];
      uint32_t k = f->k, src = BPF_SRC (f->code) == BPF_X ? x : k;
      switch (BPF_CLASS (f->code))
        {
        case BPF_LD:
        case BPF_LDX:
          {
            uint32_t v;
            if (BPF_MODE (f->code) == BPF_ABS && BPF_SIZE (f->code) == BPF_W && k % 4 == 0
                && k + 4 <= sizeof *d)
              memcpy (&v, (const char *) d + k, 4);   /* seccomp_data is read in host order */
            else if (BPF_MODE (f->code) == BPF_IMM)
              v = k;
            else if (BPF_MODE (f->code) == BPF_MEM && k < BPF_MEMWORDS)
              v = mem[k];
            else if (BPF_MODE (f->code) == BPF_LEN)
              v = sizeof *d;
            else
              return SECCOMP_RUN_INVALID;
            *(BPF_CLASS (f->code) == BPF_LD ? &a : &x) = v;
            break;
          }
        case BPF_ST:
        case BPF_STX:
          if (k >= BPF_MEMWORDS)
            return SECCOMP_RUN_INVALID;
          mem[k] = BPF_CLASS (f->code) == BPF_ST ? a : x;
          break;
        case BPF_ALU:
          switch (BPF_OP (f->code))
            {
            case BPF_ADD: a += src; break;
            case BPF_SUB: a -= src; break;
            case BPF_MUL: a *= src; break;
            case BPF_AND: a &= src; break;
            case BPF_OR: a |= src; break;
            case BPF_XOR: a ^= src; break;
            case BPF_NEG: a = -a; break;
            case BPF_LSH: if (src >= 32) return SECCOMP_RUN_INVALID; a <<= src; break;
            case BPF_RSH: if (src >= 32) return SECCOMP_RUN_INVALID; a >>= src; break;
            case BPF_DIV: if (src == 0) return SECCOMP_RUN_INVALID; a /= src; break;
            case BPF_MOD: if (src == 0) return SECCOMP_RUN_INVALID; a %= src; break;
            default: return SECCOMP_RUN_INVALID;
            }
          break;
        case BPF_JMP:
          {
            bool taken;
            switch (BPF_OP (f->code))
              {
              case BPF_JA: pc += k; continue;
              case BPF_JEQ: taken = a == src; break;
              case BPF_JGT: taken = a > src; break;
              case BPF_JGE: taken = a >= src; break;
              case BPF_JSET: taken = (a & src) != 0; break;
              default: return SECCOMP_RUN_INVALID;
              }
            pc += taken ? f->jt : f->jf;
            break;
          }
        case BPF_RET:
          return BPF_RVAL (f->code) == BPF_A ? a : k;
        case BPF_MISC:
          if (BPF_MISCOP (f->code) == BPF_TAX)
            x = a;
          else
            a = x;
          break;
        default:
          return SECCOMP_RUN_INVALID;
        }
    }
  return SECCOMP_RUN_INVALID;   /* fell off the end: the kernel's checker refuses such programs */
}

bool
seccomp_program_allows (const struct seccomp_program *p, long nr, const uint64_t args[6])
{
  if (p->insns == NULL)
    return true;
  /* libseccomp's arch tokens are the kernel's AUDIT_ARCH values, as
     seccomp_default.c relies on too (a constant, no libseccomp work). */
  struct seccomp_data d = { .nr = (int) nr, .arch = seccomp_arch_native () };
  for (int i = 0; i < 6; i++)
    d.args[i] = args[i];
  return seccomp_run (p->insns, p->len, &d) == SECCOMP_RET_ALLOW;
}

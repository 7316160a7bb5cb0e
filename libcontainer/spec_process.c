/* config.json's "process" (also `exec --process`'s document): args, env,
   user, capabilities, rlimits, scheduler, I/O priority, console size. */
#include <string.h>
#include <sys/resource.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

#define RLIMIT_ENTRY(r) { #r, r }
static const struct
{
  const char *name;
  int resource;
} rlimit_table[] = {
  RLIMIT_ENTRY (RLIMIT_AS), RLIMIT_ENTRY (RLIMIT_CORE), RLIMIT_ENTRY (RLIMIT_CPU),
  RLIMIT_ENTRY (RLIMIT_DATA), RLIMIT_ENTRY (RLIMIT_FSIZE), RLIMIT_ENTRY (RLIMIT_LOCKS),
  RLIMIT_ENTRY (RLIMIT_MEMLOCK), RLIMIT_ENTRY (RLIMIT_MSGQUEUE), RLIMIT_ENTRY (RLIMIT_NICE),
  RLIMIT_ENTRY (RLIMIT_NOFILE), RLIMIT_ENTRY (RLIMIT_NPROC), RLIMIT_ENTRY (RLIMIT_RSS),
  RLIMIT_ENTRY (RLIMIT_RTPRIO), RLIMIT_ENTRY (RLIMIT_RTTIME), RLIMIT_ENTRY (RLIMIT_SIGPENDING),
  RLIMIT_ENTRY (RLIMIT_STACK),
};

/* ---- process ---------------------------------------------------------- */

static int
parse_console_size (const json_node *n, const struct jpath *at, struct spec_console_size *c,
                    struct casco_error **err)
{
  c->present = true;
  if (opt_num (n, at, "height", &c->height, NULL, err) < 0
      || opt_num (n, at, "width", &c->width, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_user (const json_node *n, const struct jpath *at, struct spec_user *u,
            struct casco_error **err)
{
  if (opt_num (n, at, "uid", &u->uid, NULL, err) < 0
      || opt_num (n, at, "gid", &u->gid, NULL, err) < 0
      || opt_num (n, at, "umask", &u->umask, &u->has_umask, err) < 0
      || spec_get_str (n, at, "username", &u->username, err) < 0)
    return -1;

  const json_node *gids;
  int r = spec_get_array (n, at, "additionalGids", &gids, err);
  if (r <= 0)
    return r;
  u->n_additional_gids = json_array_len (gids);
  u->additional_gids = xmalloc0 (u->n_additional_gids * sizeof *u->additional_gids);
  for (size_t i = 0; i < u->n_additional_gids; i++)
    if (spec_num_value (json_array_at (gids, i), AT_INDEX (AT_KEY (at, "additionalGids"), i), NUM_U32,
                        &u->additional_gids[i], err) < 0)
      return -1;
  return 0;
}

static int
parse_capabilities (const json_node *n, const struct jpath *at, struct spec_capabilities *c,
                    struct casco_error **err)
{
  if (spec_get_strv (n, at, "bounding", &c->bounding, err) < 0
      || spec_get_strv (n, at, "effective", &c->effective, err) < 0
      || spec_get_strv (n, at, "inheritable", &c->inheritable, err) < 0
      || spec_get_strv (n, at, "permitted", &c->permitted, err) < 0
      || spec_get_strv (n, at, "ambient", &c->ambient, err) < 0)
    return -1;
  return 0;
}

static int
parse_rlimit (const json_node *n, const struct jpath *at, struct spec_rlimit *rl,
              struct casco_error **err)
{
  int r = spec_get_str (n, at, "type", &rl->type, err);
  if (r <= 0)
    return r < 0 ? -1 : spec_missing (err, AT_KEY (at, "type"));
  size_t i = 0;
  while (i < ARRAY_SIZE (rlimit_table) && strcmp (rlimit_table[i].name, rl->type) != 0)
    i++;
  if (i == ARRAY_SIZE (rlimit_table))
    return spec_fail (err, AT_KEY (at, "type"),
                      "unknown resource limit \"%s\": use an RLIMIT_* name from setrlimit(2), such as "
                      "RLIMIT_NOFILE",
                      rl->type);
  rl->resource = rlimit_table[i].resource;
  if (req_num (n, at, "soft", &rl->soft, err) < 0 || req_num (n, at, "hard", &rl->hard, err) < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (const json_node *n, const struct jpath *at, struct spec_scheduler *s,
                 struct casco_error **err)
{
  s->present = true;
  if (spec_get_str (n, at, "policy", &s->policy, err) < 0
      || opt_num (n, at, "nice", &s->nice, NULL, err) < 0
      || opt_num (n, at, "priority", &s->priority, NULL, err) < 0
      || spec_get_strv (n, at, "flags", &s->flags, err) < 0
      || opt_num (n, at, "runtime", &s->runtime, NULL, err) < 0
      || opt_num (n, at, "deadline", &s->deadline, NULL, err) < 0
      || opt_num (n, at, "period", &s->period, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_io_priority (const json_node *n, const struct jpath *at, struct spec_io_priority *io,
                   struct casco_error **err)
{
  io->present = true;
  if (spec_get_str (n, at, "class", &io->class_, err) < 0
      || req_num (n, at, "priority", &io->priority, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_process_fields (const json_node *n, const struct jpath *at, struct spec_process *p,
                           struct casco_error **err)
{
  const json_node *o;
  int r;

  if (spec_get_bool (n, at, "terminal", &p->terminal, NULL, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "consoleSize", &o, err)) < 0
      || (r > 0 && parse_console_size (o, AT_KEY (at, "consoleSize"), &p->console_size, err) < 0))
    return -1;
  if ((r = spec_get_object (n, at, "user", &o, err)) < 0
      || (r > 0 && parse_user (o, AT_KEY (at, "user"), &p->user, err) < 0))
    return -1;
  if (spec_get_strv (n, at, "args", &p->args, err) < 0
      || spec_get_str (n, at, "commandLine", &p->command_line, err) < 0
      || spec_get_strv (n, at, "env", &p->env, err) < 0
      || spec_get_str (n, at, "cwd", &p->cwd, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "capabilities", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      p->capabilities = xmalloc0 (sizeof *p->capabilities);
      if (parse_capabilities (o, AT_KEY (at, "capabilities"), p->capabilities, err) < 0)
        return -1;
    }
  if (PARSE_ARRAY (n, at, "rlimits", p->rlimits, p->n_rlimits, parse_rlimit, err) < 0)
    return -1;
  if (spec_get_bool (n, at, "noNewPrivileges", &p->no_new_privileges, &p->has_no_new_privileges, err) < 0
      || spec_get_str (n, at, "apparmorProfile", &p->apparmor_profile, err) < 0
      || opt_num (n, at, "oomScoreAdj", &p->oom_score_adj, &p->has_oom_score_adj, err) < 0
      || spec_get_str (n, at, "selinuxLabel", &p->selinux_label, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "scheduler", &o, err)) < 0
      || (r > 0 && parse_scheduler (o, AT_KEY (at, "scheduler"), &p->scheduler, err) < 0))
    return -1;
  if ((r = spec_get_object (n, at, "ioPriority", &o, err)) < 0
      || (r > 0 && parse_io_priority (o, AT_KEY (at, "ioPriority"), &p->io_priority, err) < 0))
    return -1;
  if ((r = spec_get_object (n, at, "execCPUAffinity", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      const struct jpath *aff = AT_KEY (at, "execCPUAffinity");
      if (spec_get_str (o, aff, "initial", &p->exec_cpu_affinity.initial, err) < 0
          || spec_get_str (o, aff, "final", &p->exec_cpu_affinity.final, err) < 0)
        return -1;
    }
  return 0;
}

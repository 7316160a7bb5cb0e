/* main()'s global options read without libc (casco_entry), by the one list
   main()'s getopt table is built from (include/casco/global_options.h),
   and the checks of their values that both make. */
#include <stddef.h>

#include "global_options.h"
#include "early.h"

NO_CANARY bool
casco_log_format_valid (const char *value)
{
  return early_same_string (value, "text") || early_same_string (value, "json");
}

NO_CANARY bool
casco_cgroup_manager_valid (const char *value)
{
  return early_same_string (value, "cgroupfs") || early_same_string (value, "disabled");
}

/* Global options of main(), by the number of values they take: 0, 1, or
   -1 when not one of them.  A chain of compares, not a table: a table of
   string pointers would need relocating, which casco_entry runs before. */
NO_CANARY static int
global_option_values (const char *name)
{
#define VALUES_OF(opt, id, takes_value) \
  if (early_same_string (name, opt))    \
    return takes_value;
  CASCO_GLOBAL_OPTIONS (VALUES_OF)
#undef VALUES_OF
  return -1;
}

NO_CANARY bool
selfexe_early_parse (int argc, char **argv, struct early_args *a)
{
  a->command = 0;
  a->root = a->log = a->log_format = a->cgroup_manager = NULL;
  a->debug = false;
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      if (arg[0] != '-')
        {
          a->command = i;
          return true;
        }
      if (early_same_string (arg, "--"))
        {
          a->command = i + 1;
          return i + 1 < argc;
        }
      /* getopt_long_only takes -name and --name, and --name=value. */
      const char *name = arg + 1 + (arg[1] == '-');
      char buf[32];
      size_t n = 0;
      while (name[n] && name[n] != '=' && n < sizeof buf - 1)
        {
          buf[n] = name[n];
          n++;
        }
      if (name[n] != '\0' && name[n] != '=')
        return false;   /* longer than any option of ours */
      buf[n] = '\0';
      int values = global_option_values (buf);
      if (values < 0)
        return false;   /* -h, -v, abbreviations, mistakes: main() decides */
      const char *value;
      if (name[n] == '=')
        {
          if (values == 0)
            return false;   /* getopt refuses a value there */
          value = name + n + 1;
        }
      else if (values == 1)
        {
          if (++i >= argc)
            return false;
          value = argv[i];
        }
      else
        value = NULL;
      if (early_same_string (buf, "root"))
        a->root = value;
      else if (early_same_string (buf, "log"))
        a->log = value;
      else if (early_same_string (buf, "log-format"))
        a->log_format = value;
      else if (early_same_string (buf, "cgroup-manager"))
        a->cgroup_manager = value;
      else if (early_same_string (buf, "debug"))
        a->debug = true;
    }
  return false;
}

NO_CANARY const char *
selfexe_early_command (int argc, char **argv)
{
  struct early_args a;
  return selfexe_early_parse (argc, argv, &a) ? argv[a.command] : NULL;
}

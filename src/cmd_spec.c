/* casco spec: write a hardened starter config.json into a bundle. */
#include <fcntl.h>
#include <string.h>

#include "casco/spec.h"
#include "util.h"
#include "cli.h"

static int
run_spec (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *bundle = ".";
  bool rootless = false;
  int c;
  while ((c = cli_getopt (cli, &cmd_spec, argc, argv, "+b:h", options)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case 'r': rootless = true; break;
      case 'h': cli_print_help (&cmd_spec); return 0;
      default: return 1;
      }
  if (cli_need_args (cli, &cmd_spec, argc, 0, 0) < 0)
    return 1;
  struct casco_error *err = NULL;
  _cleanup_close_ int dirfd = open (bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      casco_error_set (&err, errno, "bundle `%s`", bundle);
      return cli_fail (cli, err);
    }
  _cleanup_free_ char *text = spec_default_json (rootless);
  /* O_EXCL: never overwrite a config someone wrote by hand */
  _cleanup_close_ int fd = openat (dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      if (errno == EEXIST)
        casco_error_set (&err, 0, "File %s%sconfig.json exists. Remove it first",
                         strcmp (bundle, ".") == 0 ? "" : bundle, strcmp (bundle, ".") == 0 ? "" : "/");
      else
        casco_error_set (&err, errno, "create %s/config.json", bundle);
      return cli_fail (cli, err);
    }
  if (write_all (fd, text, strlen (text)) < 0)
    {
      casco_error_set (&err, errno, "write %s/config.json", bundle);
      return cli_fail (cli, err);
    }
  return 0;
}

const struct cli_command cmd_spec = {
  .name = "spec",
  .run = run_spec,
  .usage = "spec [options]",
  .help = "Write a starter config.json (hardened: read-only root, no_new_privs, minimal\n"
          "capabilities, masked paths) for a rootfs in ./rootfs.\n\n"
          "Options:\n"
          "  -b, --bundle DIR   where to write config.json (default: current directory)\n"
          "  --rootless         add a user namespace mapping your uid/gid to root\n",
};

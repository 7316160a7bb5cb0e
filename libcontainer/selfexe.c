/* Re-exec from a sealed memfd copy of the binary. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/selfexe.h"
#include "casco/util.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

bool
selfexe_is_sealed (void)
{
  _cleanup_close_ int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

static int
copy_all (int to, int from, off_t size, struct casco_error **err)
{
  off_t done = 0;
  while (done < size)
    {
      ssize_t n = sendfile (to, from, NULL, (size_t) (size - done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return casco_error_set (err, n < 0 ? errno : EIO, "copy casco binary to memfd");
      done += n;
    }
  return 0;
}

int
selfexe_ensure_sealed (char **argv, char **envp, struct casco_error **err)
{
  if (selfexe_is_sealed ())
    return 0;
  _cleanup_close_ int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return casco_error_set (err, errno, "open /proc/self/exe");
  struct stat sb;
  if (fstat (self, &sb) < 0)
    return casco_error_set (err, errno, "stat /proc/self/exe");
  /* MFD_CLOEXEC is fine for an ELF image (only #! scripts need their fd
     across exec), and it keeps the copy's fd out of the new process. */
  _cleanup_close_ int mem = memfd_create ("casco", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (mem < 0)
    return casco_error_set (err, errno, "memfd_create");
  if (copy_all (mem, self, sb.st_size, err) < 0)
    return -1;
  if (fcntl (mem, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return casco_error_set (err, errno, "seal casco memfd");
  fexecve (mem, argv, envp);
  return casco_error_set (err, errno, "re-exec casco from its sealed copy");
}

/* Re-exec from a binary nobody can write: the read-only overlay, else a
   sealed memfd copy (include/casco/selfexe.h).  This is main()'s way,
   for what casco_entry (selfexe_early.c) did not do before libc started. */
#include <fcntl.h>

#include "casco/error.h"
#include "selfexe.h"
#include "util.h"
#include "weaken.h"

bool
selfexe_is_sealed (void)
{
  _cleanup_close_ int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && selfexe_fd_is_sealed (fd);
}

int
selfexe_ensure_sealed (char **argv, char **envp, struct casco_error **err)
{
  if (selfexe_early_checked || selfexe_is_sealed ())
    return 0;
#ifdef CASCO_WEAKEN_SELFEXE
  return 0;   /* prove-red: keep running from the host's file (CVE-2019-5736) */
#endif
  _cleanup_close_ int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return casco_error_set (err, errno, "open /proc/self/exe");
  _cleanup_close_ int ro = selfexe_overlay_open (self);
  if (ro >= 0)
    fexecve (ro, argv, envp);   /* on failure, the copy below */
  _cleanup_close_ int mem = selfexe_memfd_copy (self);
  if (mem < 0)
    return casco_error_set (err, -mem, "copy casco into a sealed memfd");
  fexecve (mem, argv, envp);
  return casco_error_set (err, errno, "re-exec casco from its sealed copy");
}

/* Re-exec from a binary nobody can write: the read-only overlay, else a
   sealed memfd copy (include/casco/selfexe.h).  This is main()'s way,
   for what casco_entry (selfexe_early.c) did not do before libc started. */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/selfexe.h"
#include "casco/util.h"
#include "casco/weaken.h"

bool
selfexe_is_sealed (void)
{
  _cleanup_close_ int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && selfexe_fd_is_sealed (fd);
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

/* The bytes of the executable the kernel maps: up to the end of its last
   segment.  Section headers and debug info after that are never loaded:
   leaving them out makes the copy smaller (an unstripped build is a third
   debug info). */
static off_t
loaded_size (int fd, off_t size)
{
  ElfW (Ehdr) eh;
  if (pread (fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh)
    return size;
  ElfW (Phdr) ph[SELFEXE_MAX_PHNUM];
  size_t len = selfexe_elf_phnum (&eh) * sizeof ph[0];
  if (len == 0 || pread (fd, ph, len, (off_t) eh.e_phoff) != (ssize_t) len)
    return size;
  return selfexe_loaded_end (&eh, ph, size);
}

/* The copy ends before the section headers: say it has none. */
static int
drop_section_headers (int mem, struct casco_error **err)
{
  ElfW (Ehdr) eh;
  if (pread (mem, &eh, sizeof eh, 0) != (ssize_t) sizeof eh)
    return casco_error_set (err, errno, "read casco memfd");
  selfexe_forget_sections (&eh);
  if (pwrite (mem, &eh, sizeof eh, 0) != (ssize_t) sizeof eh)
    return casco_error_set (err, errno, "write casco memfd");
  return 0;
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
  struct stat sb;
  if (fstat (self, &sb) < 0)
    return casco_error_set (err, errno, "stat /proc/self/exe");
  /* MFD_CLOEXEC is fine for an ELF image (only #! scripts need their fd
     across exec), and it keeps the copy's fd out of the new process. */
  _cleanup_close_ int mem = memfd_create ("casco", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (mem < 0)
    return casco_error_set (err, errno, "memfd_create");
  off_t size = loaded_size (self, sb.st_size);
  if (copy_all (mem, self, size, err) < 0
      || (size < sb.st_size && drop_section_headers (mem, err) < 0))
    return -1;
  if (fcntl (mem, F_ADD_SEALS, SELFEXE_SEALS) < 0)
    return casco_error_set (err, errno, "seal casco memfd");
  fexecve (mem, argv, envp);
  return casco_error_set (err, errno, "re-exec casco from its sealed copy");
}

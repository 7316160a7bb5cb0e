/* casco_entry, the static binary's ELF entry point: the sealed re-exec of
   create/run/exec before the C library starts, then one call per segment
   that maps the image that runs (prefault_image, below).  Also the parts
   of sealing that main()'s way (selfexe.c) shares.

   Every `casco create` runs twice: from the host's file, only to re-exec
   from a binary nobody can write, the read-only overlay or a sealed memfd
   copy (CVE-2019-5736, include/casco/selfexe.h).  The overlay costs a few
   system calls where the copy moved 1.3 MB (0.08 against 0.45 ms here),
   and holds no memory per container while the init waits for start.
   The first run's only job is that re-exec, yet a static glibc binary pays
   its whole start-up first (self-relocation, CPU feature probing with
   dozens of trapping `cpuid`s, tunables, TLS, malloc): about a millisecond
   on a virtual machine, more than the copy itself.  casco_entry does the
   overlay or the copy, and the re-exec, with raw system calls before
   jumping to glibc's _start.

   Rules for this file, because it runs before the binary is relocated and
   before TLS exists: no libc calls, no global data holding pointers (not
   relocated yet), no stack protector, no sanitizer, nothing the compiler
   could turn into a memset/memcpy call.  It is only an optimisation: when
   anything is unusual (an option it does not know, a failed call) it
   returns and main() seals as before (selfexe_ensure_sealed), so a copy
   is never skipped.  The option list it reads argv by is options.c's. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "selfexe.h"
#include "weaken.h"
#include "early.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

NO_CANARY bool
selfexe_command_enters_containers (const char *name)
{
  return early_same_string (name, "create") || early_same_string (name, "run")
         || early_same_string (name, "exec");
}

NO_CANARY unsigned
selfexe_elf_phnum (const ElfW (Ehdr) *eh)
{
  if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1
      || eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3
      || eh->e_phentsize != sizeof (ElfW (Phdr)) || eh->e_phnum > SELFEXE_MAX_PHNUM)
    return 0;
  return eh->e_phnum;
}

NO_CANARY long
selfexe_loaded_end (const ElfW (Ehdr) *eh, const ElfW (Phdr) *ph, long size)
{
  long end = (long) (eh->e_phoff + eh->e_phnum * sizeof ph[0]);
  for (unsigned i = 0; i < eh->e_phnum; i++)
    if ((long) (ph[i].p_offset + ph[i].p_filesz) > end)
      end = (long) (ph[i].p_offset + ph[i].p_filesz);
  return end < size ? end : size;
}

NO_CANARY void
selfexe_forget_sections (ElfW (Ehdr) *eh)
{
  eh->e_shoff = 0;
  eh->e_shnum = 0;
  eh->e_shstrndx = SHN_UNDEF;
}

/* The read-only overlay's mount: what selfexe_overlay_open sets and
   selfexe_fd_is_sealed looks for.  No mount of a host is likely to carry
   all four on an overlayfs (nosymfollow above all, Linux 5.10). */
#define OVERLAY_MOUNT_ATTRS \
  (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSYMFOLLOW)
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000   /* statfs's f_flags since Linux 5.10; glibc 2.36 lacks the name */
#endif
#define OVERLAY_STATFS_FLAGS (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOSYMFOLLOW)

NO_CANARY bool
selfexe_fd_is_sealed (int exe)
{
  long seals = raw_syscall (SYS_fcntl, exe, F_GET_SEALS, 0, 0, 0);
  if (seals >= 0)
    return (seals & SELFEXE_SEALS) == SELFEXE_SEALS;
  struct statfs sfs;
  return raw_syscall (SYS_fstatfs, exe, (long) &sfs, 0, 0, 0) == 0
         && sfs.f_type == OVERLAYFS_SUPER_MAGIC
         && (sfs.f_flags & OVERLAY_STATFS_FLAGS) == OVERLAY_STATFS_FLAGS;
}

/* The other lower layer.  overlayfs wants two when there is no upper
   layer, neither inside the other: /dev is on every system and holds no
   binaries.  A casco installed under /dev gets the copy instead. */
#define OVERLAY_SPARE_LOWER ":/dev"

NO_CANARY long
selfexe_exe_dir_end (const char *path, long len)
{
  static const char deleted[] = " (deleted)";
  long n = (long) sizeof deleted - 1;
  if (len <= 0 || path[0] != '/')
    return -1;
  /* Replaced since it started (an upgrade): the path names another file
     now, and only a copy has the image that runs. */
  if (len >= n && early_same_string (path + len - n, deleted))
    return -1;
  long slash = -1;
  for (long i = 0; i < len; i++)
    {
      if (path[i] == ':' || path[i] == '\\')
        return -1;   /* lowerdir's separator and escape: not worth escaping */
      if (path[i] == '/')
        slash = i;
    }
  /* In / itself, every other layer would be inside the binary's. */
  return slash > 0 ? slash : -1;
}

NO_CANARY static bool
same_file_contents (int a, int b)
{
  struct stat sa, sb;
  return raw_syscall (SYS_fstat, a, (long) &sa, 0, 0, 0) == 0
         && raw_syscall (SYS_fstat, b, (long) &sb, 0, 0, 0) == 0 && S_ISREG (sb.st_mode)
         && sa.st_size == sb.st_size && sa.st_mtim.tv_sec == sb.st_mtim.tv_sec
         && sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec && sa.st_ctim.tv_sec == sb.st_ctim.tv_sec
         && sa.st_ctim.tv_nsec == sb.st_ctim.tv_nsec;
}

NO_CANARY int
selfexe_overlay_open (int exe)
{
  char dirs[PATH_MAX + sizeof OVERLAY_SPARE_LOWER], name[PATH_MAX];
  long len = raw_syscall (SYS_readlink, (long) "/proc/self/exe", (long) dirs, PATH_MAX - 1, 0, 0);
  if (len <= 0 || len >= PATH_MAX - 1)
    return -1;
  dirs[len] = '\0';
  long slash = selfexe_exe_dir_end (dirs, len);
  if (slash < 0)
    return -1;
  early_put_string (name, dirs + slash + 1);
  early_put_string (dirs + slash, OVERLAY_SPARE_LOWER);

  /* overlayfs with lower layers only: read-only in its superblock, so no
     remount or mount attribute can make it writable, and nothing to copy
     up into.  Never attached anywhere: no mount table sees it, and it is
     gone with the last process that runs from it. */
  int fs = (int) raw_syscall (SYS_fsopen, (long) "overlay", FSOPEN_CLOEXEC, 0, 0, 0);
  if (fs < 0)
    return -1;
  int mnt = -1;
  if (raw_syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, (long) "lowerdir", (long) dirs, 0) == 0)
    {
      /* The layers are on different file systems: without this the kernel
         logs a note about inode numbers at every mount. */
      raw_syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, (long) "xino", (long) "off", 0);
      if (raw_syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, 0, 0, 0) == 0)
        mnt = (int) raw_syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, OVERLAY_MOUNT_ATTRS, 0, 0);
    }
  early_close (fs);
  if (mnt < 0)
    return -1;
  int fd = (int) raw_syscall (SYS_openat, mnt, (long) name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0, 0);
  early_close (mnt);
  /* The path may name another file than the one running (replaced in
     between): only the same size and times say it is this binary.  And
     the process this fd starts must know it runs sealed, or it would
     re-exec itself for ever: the check it will make is made here first. */
  if (fd >= 0 && (!same_file_contents (exe, fd) || !selfexe_fd_is_sealed (fd)))
    {
      early_close (fd);
      return -1;
    }
  return fd;
}

/* What the kernel maps of the file: the copy leaves out section headers
   and debug info. */
NO_CANARY static long
loaded_size (int fd, long size)
{
  ElfW (Ehdr) eh;
  if (raw_syscall (SYS_pread64, fd, (long) &eh, sizeof eh, 0, 0) != (long) sizeof eh)
    return size;
  ElfW (Phdr) ph[SELFEXE_MAX_PHNUM];
  long len = (long) (selfexe_elf_phnum (&eh) * sizeof ph[0]);
  if (len == 0 || raw_syscall (SYS_pread64, fd, (long) ph, len, (long) eh.e_phoff, 0) != len)
    return size;
  return selfexe_loaded_end (&eh, ph, size);
}

/* Copy the loaded part of self into mem and say it has no section headers.
   0, or -errno (-EIO for a short transfer). */
NO_CANARY static long
fill_copy (int mem, int self)
{
  struct stat sb;
  long r = raw_syscall (SYS_fstat, self, (long) &sb, 0, 0, 0);
  if (r < 0)
    return r;
  long size = loaded_size (self, sb.st_size);
  for (long done = 0; done < size;)
    {
      long n = raw_syscall (SYS_sendfile, mem, self, 0, size - done, 0);
      if (n == -EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? n : -EIO;
      done += n;
    }
  if (size < sb.st_size)
    {
      ElfW (Ehdr) eh;
      r = raw_syscall (SYS_pread64, mem, (long) &eh, sizeof eh, 0, 0);
      if (r != (long) sizeof eh)
        return r < 0 ? r : -EIO;
      selfexe_forget_sections (&eh);
      r = raw_syscall (SYS_pwrite64, mem, (long) &eh, sizeof eh, 0, 0);
      if (r != (long) sizeof eh)
        return r < 0 ? r : -EIO;
    }
  r = raw_syscall (SYS_fcntl, mem, F_ADD_SEALS, SELFEXE_SEALS, 0, 0);
  return r < 0 ? r : 0;
}

NO_CANARY int
selfexe_memfd_copy (int exe)
{
  /* MFD_CLOEXEC is fine for an ELF image (only #! scripts need their fd
     across exec), and it keeps the copy's fd out of the new process. */
  int mem = (int) raw_syscall (SYS_memfd_create, (long) "casco", MFD_ALLOW_SEALING | MFD_CLOEXEC, 0,
                               0, 0);
  if (mem < 0)
    return mem;
  long r = fill_copy (mem, exe);
  if (r < 0)
    {
      early_close (mem);
      return (int) r;
    }
  return mem;
}


/* Set by casco_entry, seen by main(): not a pointer, so writing it needs no
   relocation, and static start-up leaves .bss as the kernel zeroed it. */
bool selfexe_early_checked;

#if defined(CASCO_EARLY_ENTRY) && defined(__x86_64__)

extern const ElfW (Ehdr) __ehdr_start __attribute__ ((visibility ("hidden")));

/* Map the whole image (code, constants, data) in one call per segment.
   On a virtual machine with shadow page tables every page fault is a trip
   through the hypervisor (tens of microseconds); a process of casco takes
   a few dozen of them on its code alone, one per 64 KiB window touched.
   MADV_POPULATE_* (Linux 5.14) maps the same pages in a few hundred
   microseconds less; older kernels refuse it and nothing changes. */
NO_CANARY static void
prefault_image (bool data_too)
{
  const ElfW (Ehdr) *eh = &__ehdr_start;
  const ElfW (Phdr) *ph = (const ElfW (Phdr) *) ((const char *) eh + eh->e_phoff);
  long base = (long) eh;
  for (unsigned i = 0; i < eh->e_phnum; i++)
    {
      if (ph[i].p_type != PT_LOAD || ((ph[i].p_flags & PF_W) && !data_too))
        continue;
      long start = (base + (long) ph[i].p_vaddr) & ~4095L;
      long end = (base + (long) (ph[i].p_vaddr + ph[i].p_memsz) + 4095) & ~4095L;
      raw_syscall (SYS_madvise, start, end - start,
                   (ph[i].p_flags & PF_W) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ, 0, 0);
    }
}

/* create, run and exec not yet running from a sealed copy: make it and
   exec it.  Returns when there is nothing to do, or on failure. */
NO_CANARY static void
seal_or_return (long *sp)
{
#ifdef CASCO_WEAKEN_SELFEXE
  return;   /* prove-red: main() skips the copy too */
#endif
  int argc = (int) sp[0];
  char **argv = (char **) (sp + 1);
  char **envp = argv + argc + 1;
  const char *command = selfexe_early_command (argc, argv);
  if (command == NULL || !selfexe_command_enters_containers (command))
    return;
  int self = (int) raw_syscall (SYS_open, (long) "/proc/self/exe", O_RDONLY | O_CLOEXEC, 0, 0, 0);
  if (self < 0)
    return;
  if (selfexe_fd_is_sealed (self))
    {
      early_close (self);   /* already running from the sealed binary */
      selfexe_early_checked = true;
      return;
    }
  int ro = selfexe_overlay_open (self);
  if (ro >= 0)
    {
      raw_syscall (SYS_execveat, ro, (long) "", (long) argv, (long) envp, AT_EMPTY_PATH);
      early_close (ro);
    }
  int mem = selfexe_memfd_copy (self);
  if (mem >= 0)
    {
      raw_syscall (SYS_execveat, mem, (long) "", (long) argv, (long) envp, AT_EMPTY_PATH);
      early_close (mem);
    }
  /* Failed: main() tries again and reports why. */
  early_close (self);
}

void casco_early_start (long *sp);

/* Called by casco_entry with the initial stack: argc, argv[], NULL, envp[]. */
/* CASCO_NO_EARLY=1 in the environment: nothing here runs and main() does
   every command (README.md), so that the tests can check main()'s way too. */
NO_CANARY static bool
early_switched_off (char **envp)
{
  for (char **e = envp; *e; e++)
    if (early_same_string (*e, "CASCO_NO_EARLY=1"))
      return true;
  return false;
}

__attribute__ ((used, visibility ("hidden"))) NO_CANARY void
casco_early_start (long *sp)
{
  if (early_switched_off ((char **) (sp + 1) + sp[0] + 1))
    return;
  /* start and delete, when plain, end here (lifecycle.c) */
  lifecycle_early ((int) sp[0], (char **) (sp + 1));
  seal_or_return (sp);
  /* This image is the one that runs: map all of it now. */
  prefault_image (true);
}

/* The ELF entry point (-Wl,-e,casco_entry): call casco_early_start with the
   kernel's initial stack, then go on to glibc's _start with the stack and
   %rdx (the exit function it registers) as the kernel left them.  %rdx is
   kept in %r12, which the C call preserves. */
__asm__ (".text\n"
         ".globl casco_entry\n"
         ".type casco_entry, @function\n"
         "casco_entry:\n"
         "  mov %rsp, %rdi\n"
         "  mov %rdx, %r12\n"
         "  call casco_early_start\n"
         "  mov %r12, %rdx\n"
         "  jmp _start\n"
         ".size casco_entry, . - casco_entry\n");

void
selfexe_prefault_image (void)
{
  prefault_image (false);
}

#else

void
selfexe_prefault_image (void)
{
}

#endif

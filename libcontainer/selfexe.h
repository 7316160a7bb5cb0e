/* casco — run from a binary nobody can write (CVE-2019-5736).  A process
   in a container that reached /proc/<casco>/exe could otherwise write to
   the host's casco binary.  Two ways, the first that works:
   - the binary seen through an overlayfs made of lower layers only (its
     directory and /dev), mounted read-only and never attached: no copy,
     and no remount can make it writable (runc 1.2 does the same);
   - a copy in a sealed memfd (older kernels, unprivileged callers, a
     binary whose directory overlayfs refuses). */
#ifndef CASCO_SELFEXE_H
#define CASCO_SELFEXE_H

#include <fcntl.h>
#include <link.h>
#include <stdbool.h>

struct casco_error;

/* The seals that make the copy unwritable and keep it so. */
#define SELFEXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* True when /proc/self/exe is either of the two. */
bool selfexe_is_sealed (void);
/* casco_entry found this process running sealed already: main() need not
   look again. */
extern bool selfexe_early_checked;
/* When not sealed yet: re-exec with the same argv and environment from the
   read-only overlay, else from a sealed memfd copy.  Returns only on
   error. */
int selfexe_ensure_sealed (char **argv, char **envp, struct casco_error **err);

/* The parts both callers share (selfexe_early.c; they call nothing of
   libc's on x86-64, so casco_entry can use them before libc starts).
   True when EXE, an fd of /proc/self/exe, is a memfd with SELFEXE_SEALS or
   a file on the read-only overlay selfexe_overlay_open makes. */
bool selfexe_fd_is_sealed (int exe);
/* An O_CLOEXEC fd of the running binary through a new read-only overlay
   of its directory, or -1 when that cannot be had: no fsopen or overlayfs,
   no privilege, a path overlayfs cannot take, or a file that is not the
   one running (EXE, an fd of /proc/self/exe, says which). */
int selfexe_overlay_open (int exe);
/* A sealed memfd holding the loaded part of EXE (an fd of
   /proc/self/exe), O_CLOEXEC, or -errno. */
int selfexe_memfd_copy (int exe);
/* Where the directory part of the absolute path PATH (LEN bytes) ends,
   when it can be an overlay layer: not /, no ':' or backslash, not
   deleted.  Else -1. */
long selfexe_exe_dir_end (const char *path, long len);

/* create, run and exec: their processes enter containers, so they run from
   the sealed copy. */
bool selfexe_command_enters_containers (const char *name);
/* The command word of a casco command line, after main()'s global options,
   or NULL when unsure (an option it does not know, -h, -v, none given).
   Used before libc starts (selfexe_early.c): it calls nothing. */
const char *selfexe_early_command (int argc, char **argv);
/* Map casco's code and constants now, as casco_entry does at start: for a
   process forked from casco (the container's init), whose code the kernel
   maps afresh, one fault at a time.  Not its data: in a container's cgroup
   every page counts.  Does nothing in builds without casco_entry. */
void selfexe_prefault_image (void);

/* Trimming the copy to what the kernel maps (both copies use these; they
   call nothing).  The program headers to read after this ELF header, or 0
   when it is not an executable of ours (then the whole file is copied). */
#define SELFEXE_MAX_PHNUM 16
unsigned selfexe_elf_phnum (const ElfW (Ehdr) *eh);
/* The end of the last segment (or of the program headers), at most size. */
long selfexe_loaded_end (const ElfW (Ehdr) *eh, const ElfW (Phdr) *ph, long size);
/* The copy ends before the section headers: the header says it has none. */
void selfexe_forget_sections (ElfW (Ehdr) *eh);

#endif

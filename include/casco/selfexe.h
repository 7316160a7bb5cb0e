/* casco — run from a sealed in-memory copy of ourselves (CVE-2019-5736).
   A process in a container that reached /proc/<casco>/exe could otherwise
   write to the host's casco binary; a sealed memfd cannot be written. */
#ifndef CASCO_SELFEXE_H
#define CASCO_SELFEXE_H

#include <fcntl.h>
#include <link.h>
#include <stdbool.h>

struct casco_error;

/* The seals that make the copy unwritable and keep it so. */
#define SELFEXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* True when /proc/self/exe is a memfd with SELFEXE_SEALS. */
bool selfexe_is_sealed (void);
/* When not sealed yet: copy /proc/self/exe into a memfd, seal it and
   re-exec it with the same argv and environment.  Returns only on error. */
int selfexe_ensure_sealed (char **argv, char **envp, struct casco_error **err);

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

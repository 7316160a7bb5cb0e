/* casco — file I/O helpers: whole reads and writes, atomic replace, and
   the files a container controls, opened only once verified. */
#ifndef CASCO_FILEIO_H
#define CASCO_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

struct casco_error;

/* Write all of buf / read up to len, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
ssize_t read_all (int fd, void *buf, size_t len);
/* Read all of fd into a NUL-terminated buffer (what names it in errors). */
int read_fd_all (int fd, const char *what, char **out, size_t *len, struct casco_error **err);
/* Read a whole (small) file into a NUL-terminated buffer. */
int read_file_at (int dirfd, const char *path, char **out, size_t *len, struct casco_error **err);
/* Write data to dir/name atomically: temp file, fsync, rename. */
int write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                          struct casco_error **err);

/* Open fd (an O_PATH fd, already verified) for real with flags, through a
   /proc verified to be procfs; refused if what opens is another object. */
int fd_reopen (int fd, int flags, const char *what, struct casco_error **err);

/* Files the container controls, read or opened by the runtime: resolved
   below root_fd (RESOLVE_IN_ROOT, no magic links), looked at through O_PATH
   first, and opened only when they are what they must be. */
#define CONTAINER_FILE_MAX (4u << 20)
/* A regular file on a real filesystem of at most max bytes, read without
   blocking.  *out NULL when it does not exist; anything else (a FIFO, a
   device, /proc/kmsg, a huge file) is an error naming path. */
int read_container_file (int root_fd, const char *path, size_t max, char **out,
                         struct casco_error **err);
/* The character device maj:min at path, opened with flags; anything else
   there (a FIFO, another device) is refused, never opened. */
int open_container_device (int root_fd, const char *path, unsigned maj, unsigned min, int flags,
                           struct casco_error **err);

/* "/proc" opened without following links and verified to be the root of
   a procfs (never a directory or filesystem a container put there): the fd,
   or -1 with *err. */
int open_procfs (struct casco_error **err);

#endif

/* casco — "tmpcopyup": seed a fresh tmpfs with what the image had at its
   destination (mount_tmpcopyup.c). */
#ifndef CASCO_MOUNT_TMPCOPYUP_H
#define CASCO_MOUNT_TMPCOPYUP_H

struct casco_error;

/* Copy the tree under TARGET_FD (the destination directory, before the
   tmpfs covers it) into the detached tmpfs MNT_FD; its root takes the
   directory's owner and mode.  WHAT names the mount in errors. */
int tmpfs_copy_up (int target_fd, int mnt_fd, const char *what, struct casco_error **err);

#endif

/* casco — a mounts[] entry's options and destination read into what the
   kernel takes (MS_* flags, MOUNT_ATTR_* attributes, propagation, fs data)
   and what the mount ends as.  Pure (no I/O): the policy, features and
   audit use it without reaching into the privileged mount.c, which
   performs the same plan.  Unit-tested in tests/unit/test_mount.c. */
#ifndef CASCO_MOUNT_OPTIONS_H
#define CASCO_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "casco/spec.h"

struct casco_error;

/* ---- option parsing (pure) ---- */

/* What `options` says, with runc's meaning for every word: flags are set
   or cleared in order (so "ro","rw" ends rw), propagation words are kept
   in order, "r"-prefixed attributes apply recursively, and any unknown
   word is filesystem data. */
struct mount_options
{
  unsigned long flags;          /* MS_* requested (ro, nosuid, bind, rec, remount, sync...) */
  unsigned long cleared;        /* MS_* explicitly turned off (rw, suid, dev, exec, atime...) */
  unsigned long *propagation;   /* MS_PRIVATE|MS_SHARED|MS_SLAVE|MS_UNBINDABLE [|MS_REC], in order */
  size_t n_propagation;
  uint64_t rec_attr_set;        /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE): rro, rnosuid... */
  uint64_t rec_attr_clr;
  bool tmpcopyup;               /* tmpfs: copy what the image had at the destination */
  char **data;                  /* unknown words, NULL-terminated (one fsconfig() each) */
};

int mount_options_parse (char *const *options, size_t mount_index, struct mount_options *out,
                         struct casco_error **err);
void mount_options_clear (struct mount_options *o);
/* Every option word the parser knows, for `features` (NULL-terminated, caller frees). */
char **mount_option_names (void);
/* The data words joined with ',' as mount(2) would take them; NULL when none. */
char *mount_options_data_string (const struct mount_options *o);

/* "rslave" → MS_SLAVE|MS_REC (linux.rootfsPropagation uses the same words). */
int mount_propagation_from_name (const char *name, unsigned long *out);
/* type "bind", or a "bind"/"rbind" option. */
bool mount_is_bind (const struct spec_mount *m);

/* MS_* requested/cleared → MOUNT_ATTR_* set/clear for mount_setattr(2),
   atime handled as mount(2) does (strictatime > noatime > relatime). */
void mount_flags_to_attr (unsigned long flags, unsigned long cleared, uint64_t *attr_set,
                          uint64_t *attr_clr);

enum mount_kind
{
  MOUNT_KIND_FS,        /* a new filesystem instance: fsopen/fsconfig/fsmount */
  MOUNT_KIND_BIND,      /* open_tree(OPEN_TREE_CLONE) of a host path */
  MOUNT_KIND_REMOUNT,   /* "remount": change the attributes of the mount already there */
};

/* Everything decided about one mounts[] entry before touching the kernel. */
struct mount_plan
{
  enum mount_kind kind;
  const char *fstype;           /* the entry's type; for binds informative only */
  bool recursive;               /* rbind */
  struct mount_options o;
  uint64_t attr_set, attr_clr;  /* top-level attributes derived from o.flags/o.cleared */
  char *dest;                   /* destination, cleaned ("/a/b"), relative taken from "/" */
};

int mount_plan_build (const struct spec_mount *m, size_t index, struct mount_plan *out,
                      struct casco_error **err);
void mount_plan_clear (struct mount_plan *p);
#define _cleanup_mount_plan_ __attribute__ ((cleanup (mount_plan_clear)))

/* What a bind made from p ends as, once its attributes are applied in the
   order the mount applies them (top-level words, then "ro" over an rbind's
   submounts, then the recursive words over the whole tree, so that an
   "rrw" or "rdev" anywhere in the list undoes "ro" or "nodev"): read-only
   as a whole; nodev at the top (below: on its submounts too). */
bool mount_plan_readonly (const struct mount_plan *p);
bool mount_plan_nodev (const struct mount_plan *p, bool below);

/* Lexically clean an in-container path: "/", no "." or empty components,
   ".." clamped at the root (as RESOLVE_IN_ROOT would).  Caller frees. */
char *mount_clean_path (const char *path);
/* runc's rule: nothing may be mounted inside /proc except proc itself on
   /proc and the few files lxcfs emulates.  dest is a cleaned path. */
bool mount_dest_allowed_in_proc (const char *dest);
/* PATH is PREFIX or lies below it (whole components; both cleaned). */
bool path_has_prefix (const char *path, const char *prefix);

#endif

/* casco — defences that tests/security/prove-red removes one at a time to
   show that each CVE test fails without its defence.  The CASCO_WEAKEN_*
   macros come only from ./configure --enable-weakened, which also sets
   CASCO_WEAKENED; any other way of defining one stops the build here. */
#ifndef CASCO_WEAKEN_H
#define CASCO_WEAKEN_H

#if !defined(CASCO_WEAKENED)                                                                     \
    && (defined(CASCO_WEAKEN_SELFEXE) || defined(CASCO_WEAKEN_CLOSE_FDS)                          \
        || defined(CASCO_WEAKEN_CWD_CHECK) || defined(CASCO_WEAKEN_INROOT)                        \
        || defined(CASCO_WEAKEN_PROC_NOSYMLINK) || defined(CASCO_WEAKEN_PROC_DEST)                \
        || defined(CASCO_WEAKEN_DEV_NULL_CHECK) || defined(CASCO_WEAKEN_CONSOLE_NOFOLLOW)         \
        || defined(CASCO_WEAKEN_PROCFS_VERIFY) || defined(CASCO_WEAKEN_CAPS_INHERITABLE)          \
        || defined(CASCO_WEAKEN_DUMPABLE) || defined(CASCO_WEAKEN_CGROUP_RO) || defined(CASCO_WEAKEN_RBIND_RO) \
        || defined(CASCO_WEAKEN_DEV_SYMLINK) || defined(CASCO_WEAKEN_USER_INROOT))
#error "CASCO_WEAKEN_* is only for ./configure --enable-weakened (tests/security/prove-red)"
#endif

#endif

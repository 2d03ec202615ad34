/* fs: small file helpers every program needs. */
#ifndef WARD_FS_H
#define WARD_FS_H

#include <stddef.h>
#include <sys/types.h>

/* A user's service tree, under their home, when nothing else names one:
 * privd's default dir, sv's default SVDIR, privbind's last resort. */
#define USER_TREE "service"

/* Writes NAME.new in dirfd and renames it to NAME, so readers see the old
 * or the new content, never a mix.  Returns 0 or -1 with errno set. */
int fs_write_atomic(int dirfd, const char *name, const void *buf, size_t len);
/* The same with the new file's mode set before the rename (0: left as
 * created, 0644 less the umask), so no reader sees it with another. */
int fs_write_atomic_mode(int dirfd, const char *name, const void *buf, size_t len, mode_t mode);
/* Reads at most size bytes of NAME in dirfd; returns the count or -1. */
ssize_t fs_read_file(int dirfd, const char *name, void *buf, size_t size);
/* write(2) until done or a real error; returns 0 or -1 */
int fs_write_all(int fd, const void *buf, size_t len);
/* Writes text into the existing file NAME in dirfd (a cgroup's knob, say),
 * never through a link.  Returns 0 or -1 with errno set. */
int fs_write_text(int dirfd, const char *name, const char *text);
/* Path of a program installed beside the running one (/proc/self/exe's
 * directory + "/" + name), so that nothing is found through PATH.
 * Returns 0, or -1 if it does not fit or cannot be resolved. */
int fs_sibling_exe(const char *name, char *out, size_t size);
/* NAME in dirfd: a directory of our own (made if missing), opened without
 * following a link and set to 0700, so that no other user can open what
 * is in it.  Returns its fd, or -1 with errno set (EPERM: not ours). */
int fs_own_dir(int dirfd, const char *name);
/* fd, if it is a file of type (S_IFREG, S_IFDIR) owned by our euid, after
 * a chmod to mode; else -1 with errno set (EPERM: not ours), fd closed. */
int fs_own_fd(int fd, mode_t type, mode_t mode);

#endif

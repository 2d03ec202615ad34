/* lockinfo: is a file flock(2)ed by some process, and by which one.
 *
 * runsv holds an exclusive flock on SERVICE/supervise/lock for as long as it
 * runs, and userd one on DIR/.userd/lock: a supervisor that restarts
 * finds the processes that outlived it this way, without pid files that
 * could be stale.
 *
 *   lockinfo_probe(dirfd, path, &dev, &ino)
 *       1 if path (relative to dirfd) is flock'ed by someone, 0 if not (or
 *       it does not exist), -1 on another error.  The probe takes a shared
 *       lock for an instant and drops it.  dev/ino (may be NULL) get the
 *       file's identity when it exists.
 *   lockinfo_parse(text, len, dev, ino)
 *       the pid holding an FLOCK on (dev, ino) according to text in the
 *       format of /proc/locks, 0 if none is listed.  Waiters ("->") and
 *       POSIX/OFD locks are not holders of an flock and are skipped.
 *   lockinfo_holder(dev, ino)
 *       the same, reading /proc/locks; 0 if unknown */
#ifndef WARD_LOCKINFO_H
#define WARD_LOCKINFO_H

#include <stddef.h>
#include <sys/types.h>

int lockinfo_probe(int dirfd, const char *path, dev_t *dev, ino_t *ino);
pid_t lockinfo_parse(const char *text, size_t len, dev_t dev, ino_t ino);
pid_t lockinfo_holder(dev_t dev, ino_t ino);

#endif

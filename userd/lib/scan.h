/* scan: which entries of a service directory are services.
 *
 * As runit's runsvdir: every subdirectory, or symlink to a directory, whose
 * name does not start with a dot.  A directory is known by its device and
 * inode (what stat(2) says after following symlinks), so a rename keeps its
 * identity and two names for one directory count once (the first name read).
 * Beyond runsvdir: a template (NAME@) is no service, and an instance
 * (NAME@ARG) is listed as the directory it runs in, TMPL_DIR/NAME@ARG,
 * made here (template.h); a bad instance name is warned about and left out.
 *
 *   scan_name_ok(name)        1 if a name may be a service: not empty, no
 *                             leading dot, at most SCAN_NAME_MAX bytes
 *   scan_dir(dirfd, out, max, &full)
 *                             fills out[] with the services in dirfd; returns
 *                             their count, or -1 with errno set.  Sets full
 *                             to 1 if there were more than max (the rest are
 *                             left out).  Entries that vanish while being
 *                             read, or cannot be stat'ed, are left out.
 *   scan_find(list, n, dev, ino)  index of that directory in list, or -1
 *
 * The caller owns the buffers; nothing is allocated but the DIR stream that
 * readdir needs, which is closed before returning. */
#ifndef WARD_SCAN_H
#define WARD_SCAN_H

#include <sys/types.h>

#define SCAN_NAME_MAX 255

struct scan_ent {
	char name[SCAN_NAME_MAX + 1];
	dev_t dev;
	ino_t ino;
};

int scan_name_ok(const char *name);
int scan_dir(int dirfd, struct scan_ent *out, int max, int *full);
int scan_find(const struct scan_ent *list, int n, dev_t dev, ino_t ino);

#endif

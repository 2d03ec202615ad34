#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "template.h"

int scan_name_ok(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strlen(name) <= SCAN_NAME_MAX;
}

int scan_find(const struct scan_ent *list, int n, dev_t dev, ino_t ino)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i].dev == dev && list[i].ino == ino)
			return i;
	return -1;
}

/* adds name to out[*n] if it is a new service directory; a template is
 * none, an instance is known by its own directory (template.h) */
static void scan_add(int dirfd, const char *name, struct scan_ent *out, int *n)
{
	char inst[SCAN_NAME_MAX + 1], err[SCAN_NAME_MAX + 128];
	struct stat st;
	int r;

	if (!scan_name_ok(name) || tmpl_is_template(name))
		return;
	r = tmpl_instance_at(dirfd, name, 1, inst, sizeof inst, err, sizeof err);
	if (r < 0) {
		err_warn("%s", err);
		return;
	}
	if (r == 1)
		name = inst;
	if (fstatat(dirfd, name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (scan_find(out, *n, st.st_dev, st.st_ino) >= 0)
		return;
	strcpy(out[*n].name, name);
	out[*n].dev = st.st_dev;
	out[*n].ino = st.st_ino;
	(*n)++;
}

int scan_dir(int dirfd, struct scan_ent *out, int max, int *full)
{
	struct dirent *d;
	DIR *dir;
	int fd, n = 0, e;

	*full = 0;
	/* a fresh fd each time: readdir on a dup would share the offset */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	errno = 0;
	while ((d = readdir(dir))) {
		if (n == max) {
			if (scan_name_ok(d->d_name))
				*full = 1;
			continue;
		}
		scan_add(dirfd, d->d_name, out, &n);
		errno = 0;
	}
	e = errno;
	closedir(dir);
	if (e) {
		errno = e;
		return -1;
	}
	return n;
}

/* bindcount, the master's side: the page made, the file written. */
#include "bindcount.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"

static struct bindcount_page written;  /* what the file says */
static int64_t next_write;              /* not before this */
static int dirfd_ = -1;         /* the file's directory, root's */
static char name[NAME_MAX + 1];

/* the file's directory: made if missing, and used only if root's and
 * writable by root alone (NAME.new is made in it) */
static int open_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd;

	if (slash == NULL || slash[1] == '\0' || strlen(slash + 1) > NAME_MAX - 4 ||
	    (size_t)(slash - path) >= sizeof dir)
		return -1;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
	snprintf(name, sizeof name, "%s", slash + 1);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		if (fd >= 0)
			close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int bindcount_create(const char *path)
{
	int fd = memfd_create("privd-bindcount", MFD_CLOEXEC), high;

	if (fd < 0 || ftruncate(fd, sizeof *bindcount_shared) < 0)
		goto fail;
	/* above the numbers the binder's fds are moved to */
	high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	fd = high;
	if (fd < 0)
		goto fail;
	bindcount_shared = mmap(NULL, sizeof *bindcount_shared, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bindcount_shared == MAP_FAILED) {
		bindcount_shared = NULL;
		goto fail;
	}
	if (path == NULL)
		return fd;   /* counted, not written */
	dirfd_ = open_dir(path);
	if (dirfd_ < 0)
		log_msg(LOG_WARNING, "bind counts: not written: %s: its directory is not root's "
			"alone or cannot be made: %s", path, strerror(errno));
	else
		bindcount_flush(0);   /* the file says 0 from the start */
	return fd;
fail:
	log_msg(LOG_WARNING, "bind counts: not kept: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int bindcount_timeout(int timeout, int64_t now)
{
	int due;

	if (bindcount_shared == NULL || dirfd_ < 0)
		return timeout;
	due = next_write > now ? (int)(next_write - now) : 0;
	return timeout < 0 || due < timeout ? due : timeout;
}

int bindcount_format(char *buf, int size, uint64_t granted, uint64_t denied)
{
	return snprintf(buf, (size_t)size, "granted %" PRIu64 "\ndenied %" PRIu64 "\n", granted,
			denied);
}

void bindcount_flush(int64_t now)
{
	static int once;
	struct bindcount_page c;
	char buf[64];
	int n;

	if (bindcount_shared == NULL || dirfd_ < 0 || now < next_write)
		return;
	next_write = now + BINDCOUNT_PERIOD_MS;
	c.granted = __atomic_load_n(&bindcount_shared->granted, __ATOMIC_RELAXED);
	c.denied = __atomic_load_n(&bindcount_shared->denied, __ATOMIC_RELAXED);
	if (once && c.granted == written.granted && c.denied == written.denied)
		return;
	n = bindcount_format(buf, sizeof buf, c.granted, c.denied);
	if (fs_write_atomic(dirfd_, name, buf, (size_t)n) < 0) {
		log_msg(LOG_WARNING, "bind counts: unable to write %s: %s", name, strerror(errno));
		return;
	}
	written = c;
	once = 1;
}


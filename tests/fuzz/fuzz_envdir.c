/* Fuzz target: reading an environment directory (envdir_apply) as chpst -e
 * and envdir do, on a real directory the input describes.
 *
 * The input is a list of entries: kind (1 byte), name length (1), name,
 * content length (2, little-endian), content.  kind%5: 0 a file, 1 a file
 * whose content is repeated past ENVDIR_VALUE_MAX, 2 a directory, 3 a FIFO,
 * 4 a symlink to the content (a loop when it names itself).  '/' and NUL in
 * names become '_'.
 *
 * Oracles: no crash, no fd or memory leak; on success every plain file K
 * whose name has no '=' and that no "K=..." file shadows sets K to its
 * first line (trailing blanks cut, NULs as newlines) or unsets it when
 * empty; on failure the message names the directory and starts "unable to". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXENT 32

struct ent {
	int kind;
	char name[256];
	const uint8_t *content;
	size_t len;
};

static char dir[64];
static char *bigbuf;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		abort();
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			if (unlinkat(dirfd(d), e->d_name, 0) < 0)
				unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	closedir(d);
}

static void write_file(int dfd, const struct ent *e)
{
	int fd = openat(dfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0)
		return;
	if (e->kind == 1 && e->len > 0) {
		while (done <= ENVDIR_VALUE_MAX + 1) {
			if (write(fd, e->content, e->len) != (ssize_t)e->len)
				break;
			done += e->len;
		}
	} else if (e->len && write(fd, e->content, e->len) < 0) {
		abort();
	}
	close(fd);
}

static void make_entry(int dfd, const struct ent *e)
{
	char target[300];

	switch (e->kind) {
	case 0:
	case 1:
		write_file(dfd, e);
		break;
	case 2:
		mkdirat(dfd, e->name, 0755);
		break;
	case 3:
		mkfifoat(dfd, e->name, 0644);
		break;
	default:
		snprintf(target, sizeof target, "%.*s", (int)(e->len < 255 ? e->len : 255),
			 (const char *)e->content);
		if (!target[0] || strlen(target) != (e->len < 255 ? e->len : 255))
			snprintf(target, sizeof target, "%s", e->name);   /* a loop */
		if (symlinkat(target, dfd, e->name) < 0)
			return;   /* a name taken twice: the first one stays */
	}
}

static int parse(const uint8_t *data, size_t size, struct ent *ents)
{
	size_t at = 0, nl, i;
	int n = 0;

	while (n < MAXENT && at + 2 <= size) {
		struct ent *e = &ents[n];

		e->kind = data[at] % 5;
		nl = data[at + 1];
		at += 2;
		if (nl == 0 || at + nl + 2 > size)
			break;
		for (i = 0; i < nl; i++)
			e->name[i] = data[at + i] == '/' || data[at + i] == 0 ? '_' : (char)data[at + i];
		e->name[nl] = 0;
		at += nl;
		e->len = (size_t)(data[at] | data[at + 1] << 8);
		at += 2;
		if (e->len > size - at)
			e->len = size - at;
		e->content = data + at;
		at += e->len;
		if (strcmp(e->name, ".") && strcmp(e->name, ".."))
			n++;
	}
	return n;
}

/* Is K set by some other entry too ("K=..." or a second "K")? */
static int shadowed(const struct ent *ents, int n, int me)
{
	size_t kl = strlen(ents[me].name);
	int i;

	for (i = 0; i < n; i++)
		if (i != me && !strncmp(ents[i].name, ents[me].name, kl) &&
		    (ents[i].name[kl] == '=' || ents[i].name[kl] == 0))
			return 1;
	return 0;
}

static void check_file(const struct ent *e)
{
	const char *got = getenv(e->name);
	ssize_t n;

	memcpy(bigbuf, e->content, e->len);
	n = envdir_value(bigbuf, e->len);
	if (n < 0) {
		if (got)
			abort();
		return;
	}
	bigbuf[n] = 0;
	if (!got || strcmp(got, bigbuf))
		abort();
}

static void remove_dir(void)
{
	empty_dir();
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fds_before = -1;
	static struct ent ents[MAXENT];
	char err[512] = "";
	int n, i, dfd, rc;

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_envdir.XXXXXX");
		if (!mkdtemp(dir) || !(bigbuf = malloc(ENVDIR_VALUE_MAX + 2)))
			abort();
		fds_before = count_fds();
		atexit(remove_dir);
	}
	empty_dir();
	n = parse(data, size, ents);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < n; i++)
		make_entry(dfd, &ents[i]);
	close(dfd);
	clearenv();
	rc = envdir_apply(dir, ENVDIR_SKIP, err, sizeof err);
	if (rc < 0) {
		if (strncmp(err, "unable to", 9) || !strstr(err, dir))
			abort();
	} else {
		for (i = 0; i < n; i++)
			if (ents[i].kind == 0 && ents[i].name[0] != '.' && !strchr(ents[i].name, '=') &&
			    !shadowed(ents, n, i))
				check_file(&ents[i]);
	}
	if (count_fds() != fds_before)
		abort();
	return 0;
}

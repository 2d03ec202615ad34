#include "ctlgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svdir.h"

#define GROUPS_MAX 1024

static mode_t shared_mode;   /* 0640 while shared */

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int ctlgroup_parse(const char *text, size_t n, char *name, size_t size)
{
	size_t i = 0, start, len;

	while (i < n && blank(text[i]))
		i++;
	start = i;
	while (i < n && !blank(text[i]) && text[i] != '\0')
		i++;
	len = i - start;
	while (i < n && blank(text[i]))
		i++;
	if (len == 0 || len >= size || i != n)
		return -1;
	memcpy(name, text + start, len);
	name[len] = '\0';
	return 0;
}

/* a gid written as a number: digits only, below (gid_t)-1 */
static int number(const char *s, gid_t *gid)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= (gid_t)-1)
		return -1;
	*gid = (gid_t)v;
	return 0;
}

int ctlgroup_lookup(const char *groupfile, const char *name, gid_t *gid)
{
	size_t k = strlen(name), cap = 0;
	char *line = NULL, *gfield, *end;
	int r = -1;
	FILE *f;

	if (number(name, gid) == 0)
		return 0;
	f = fopen(groupfile, "re");
	if (!f)
		return -1;
	/* name:password:gid:members */
	while (r < 0 && getline(&line, &cap, f) > 0) {
		if (strncmp(line, name, k) || line[k] != ':' || !(gfield = strchr(line + k + 1, ':')))
			continue;
		end = strchr(++gfield, ':');
		if (!end)
			continue;
		*end = '\0';
		r = number(gfield, gid);
	}
	free(line);
	fclose(f);
	return r;
}

int ctlgroup_member(gid_t gid)
{
	gid_t g[GROUPS_MAX];
	int n, i;

	if (geteuid() == 0 || getegid() == gid)
		return 1;
	n = getgroups(GROUPS_MAX, g);
	for (i = 0; i < n; i++)
		if (g[i] == gid)
			return 1;
	return 0;
}

struct perm {
	const char *name;
	mode_t shared, own;      /* the mode while shared, and runit's */
};

static const struct perm perms[] = {
	{ "control", 0620, 0600 }, { "ok", 0620, 0600 }, { "lock", 0600, 0600 },
	{ "status", 0640, 0644 },  { "stat", 0640, 0644 }, { "pid", 0640, 0644 },
	{ "ward", 0640, 0644 },
};

/* one supervise/: the group and modes, or runit's own (gid = ours) */
static int give(int sup, gid_t gid, int shared)
{
	mode_t mask = umask(0);
	size_t i;

	umask(mask);  /* taken back, the files are as runsv makes them */
	if (fchown(sup, (uid_t)-1, gid) < 0 || fchmod(sup, shared ? 02750 : 0700) < 0)
		return -1;
	for (i = 0; i < sizeof perms / sizeof perms[0]; i++)
		if ((fchownat(sup, perms[i].name, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		     fchmodat(sup, perms[i].name,
			      shared ? perms[i].shared : perms[i].own & ~mask, 0) < 0) &&
		    errno != ENOENT)
			return -1;
	return 0;
}

/* whether sup was shared: its setgid bit */
static int was_shared(int sup)
{
	struct stat st;

	return fstat(sup, &st) == 0 && (st.st_mode & S_ISGID);
}

/* the group dirfd/control-group names: 1 with *gid, 0 no file, -1 refused */
static int wanted(int dirfd, gid_t *gid, char *err, size_t errlen)
{
	char buf[SVDIR_FILE_MAX + 1], name[CTLGROUP_NAME_MAX + 1];
	size_t n;
	int r = svdir_read(dirfd, CTLGROUP_FILE, buf, &n, err, errlen);

	if (r <= 0)
		return r;
	if (n > SVDIR_FILE_MAX || ctlgroup_parse(buf, n, name, sizeof name) < 0) {
		snprintf(err, errlen, "%s: expected one group name or number: not shared",
			 CTLGROUP_FILE);
		return -1;
	}
	if (ctlgroup_lookup("/etc/group", name, gid) < 0) {
		snprintf(err, errlen, "%s: group %s: no such group: not shared", CTLGROUP_FILE, name);
		return -1;
	}
	if (!ctlgroup_member(*gid)) {
		snprintf(err, errlen, "%s: group %s: the owner (uid %u) is not a member: not shared",
			 CTLGROUP_FILE, name, (unsigned)geteuid());
		return -1;
	}
	return 1;
}

int ctlgroup_apply(int dirfd, const int *sup, int n, char *err, size_t errlen)
{
	gid_t gid;
	int r = wanted(dirfd, &gid, err, errlen), i;

	shared_mode = r == 1 ? 0640 : 0;
	for (i = 0; i < n; i++) {
		if (sup[i] < 0 || (r != 1 && !was_shared(sup[i])))
			continue;
		if (give(sup[i], r == 1 ? gid : getegid(), r == 1) == 0)
			continue;
		if (r >= 0)
			snprintf(err, errlen, "%s: unable to %s supervise/: %s", CTLGROUP_FILE,
				 r == 1 ? "give its group" : "take back", strerror(errno));
		shared_mode = 0;
		return -1;
	}
	return r < 0 ? -1 : 0;
}

mode_t ctlgroup_mode(void)
{
	return shared_mode;
}

#include "creds.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* getpw*_r / getgr*_r need a caller buffer; start here and grow on ERANGE. */
#define LOOKUP_BUF0 4096
#define LOOKUP_BUFMAX (1 << 20)

int creds_number(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	unsigned d;

	if (!*s) {
		errno = EINVAL;
		return -1;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			errno = EINVAL;
			return -1;
		}
		d = (unsigned)(*s - '0');
		if (v > (ULONG_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* A uid/gid given as a number: fits in 32 bits and is not (uid_t)-1,
 * which set*id(2) treat as "leave unchanged". */
static int id_number(const char *s, unsigned long *out)
{
	if (creds_number(s, out) < 0)
		return -1;
	if (*out >= 0xffffffffUL) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

static void set_err(char *err, size_t errlen, const char *what, const char *spec, int e)
{
	if (!err || !errlen)
		return;
	if (e == ENOENT)
		snprintf(err, errlen, "unknown %s: %s", what, spec);
	else
		snprintf(err, errlen, "unable to look up %s %s: %s", what, spec, strerror(e));
}

/* One getpw/getgr call: by name, or by number once the name was not found. */
static int lookup_once(int is_group, const char *spec, unsigned long num, int by_number,
		       void *ent, char *buf, size_t size, void **res)
{
	if (is_group && by_number)
		return getgrgid_r((gid_t)num, ent, buf, size, (struct group **)res);
	if (is_group)
		return getgrnam_r(spec, ent, buf, size, (struct group **)res);
	if (by_number)
		return getpwuid_r((uid_t)num, ent, buf, size, (struct passwd **)res);
	return getpwnam_r(spec, ent, buf, size, (struct passwd **)res);
}

/* Looks spec up as a name, then (if it is a number) as a uid or gid.  ent is
 * a struct passwd or struct group; *buf (freed by the caller) holds its
 * strings.  Returns 0, or an errno value (ENOENT: no such user or group). */
static int lookup(int is_group, int by_name_only, const char *spec, void *ent, char **buf)
{
	size_t size = LOOKUP_BUF0;
	unsigned long num = 0;
	int rc, by_number = 0;
	void *res;

	for (;;) {
		free(*buf);
		*buf = malloc(size);
		if (!*buf)
			return ENOMEM;
		rc = lookup_once(is_group, spec, num, by_number, ent, *buf, size, &res);
		if (rc == ERANGE && size < LOOKUP_BUFMAX) {
			size *= 2;
			continue;
		}
		if (rc)
			return rc;
		if (res)
			return 0;
		if (by_name_only || by_number || id_number(spec, &num) < 0)
			return ENOENT;
		by_number = 1;
	}
}

static int copy_field(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return -1;
	strcpy(dst, src);
	return 0;
}

static int fill_creds(const struct passwd *pw, struct creds *c, char *err, size_t errlen)
{
	int n = CREDS_MAXGROUPS;

	memset(c, 0, sizeof *c);
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	if (copy_field(c->name, sizeof c->name, pw->pw_name) < 0 ||
	    copy_field(c->home, sizeof c->home, pw->pw_dir) < 0 ||
	    copy_field(c->shell, sizeof c->shell, pw->pw_shell) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "user %s: name, home or shell too long", pw->pw_name);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Refuse rather than silently drop groups: a process that lacks a group
	 * it should have fails in surprising ways. */
	if (getgrouplist(pw->pw_name, pw->pw_gid, c->groups, &n) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "user %s: more than %d groups", pw->pw_name,
				 CREDS_MAXGROUPS);
		errno = E2BIG;
		return -1;
	}
	c->ngroups = n;
	return 0;
}

static int user_lookup(const char *spec, int by_name_only, struct creds *c, char *err,
		       size_t errlen)
{
	struct passwd pw;
	char *buf = NULL;
	int rc;

	if (!spec || !*spec) {
		set_err(err, errlen, "user", "(empty)", ENOENT);
		errno = EINVAL;
		return -1;
	}
	rc = lookup(0, by_name_only, spec, &pw, &buf);
	if (rc) {
		free(buf);
		set_err(err, errlen, "user", spec, rc);
		errno = rc;
		return -1;
	}
	rc = fill_creds(&pw, c, err, errlen);
	free(buf);
	return rc;
}

int creds_user(const char *spec, struct creds *c, char *err, size_t errlen)
{
	return user_lookup(spec, 0, c, err, errlen);
}

int creds_user_name(const char *name, struct creds *c, char *err, size_t errlen)
{
	return user_lookup(name, 1, c, err, errlen);
}

static int group_lookup(const char *spec, int by_name_only, gid_t *gid, char *err,
			size_t errlen)
{
	struct group gr;
	char *buf = NULL;
	int rc;

	if (!spec || !*spec) {
		set_err(err, errlen, "group", "(empty)", ENOENT);
		errno = EINVAL;
		return -1;
	}
	rc = lookup(1, by_name_only, spec, &gr, &buf);
	if (!rc)
		*gid = gr.gr_gid;
	free(buf);
	if (rc) {
		set_err(err, errlen, "group", spec, rc);
		errno = rc;
		return -1;
	}
	return 0;
}

int creds_group(const char *spec, gid_t *gid, char *err, size_t errlen)
{
	return group_lookup(spec, 0, gid, err, errlen);
}

int creds_group_name(const char *name, gid_t *gid, char *err, size_t errlen)
{
	return group_lookup(name, 1, gid, err, errlen);
}

/* After the switch: the ids are what we asked for, and, unless we asked for
 * root, there is no way back (a saved set-user-ID would allow one). */
static int creds_verify(const struct creds *c)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (r != c->uid || e != c->uid || s != c->uid ||
	    rg != c->gid || eg != c->gid || sg != c->gid)
		goto fail;
	if (c->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		goto fail;
	if (c->uid != 0 && c->gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
		goto fail;
	return 0;
fail:
	errno = EPERM;
	return -1;
}

int creds_switch(const struct creds *c)
{
	if (c->ngroups < 0 || c->ngroups > CREDS_MAXGROUPS) {
		errno = EINVAL;
		return -1;
	}
	if (setgroups((size_t)c->ngroups, c->groups) < 0)
		return -1;
	if (setgid(c->gid) < 0)
		return -1;
	if (setuid(c->uid) < 0)
		return -1;
	return creds_verify(c);
}

/* The names runit's chpst/softlimit and ulimit(1) use. */
static const struct {
	const char *name;
	int resource;
} limits[] = {
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "as", RLIMIT_AS },         { "core", RLIMIT_CORE },
	{ "fsize", RLIMIT_FSIZE },   { "data", RLIMIT_DATA },
	{ "stack", RLIMIT_STACK },   { "memlock", RLIMIT_MEMLOCK },
	{ "cpu", RLIMIT_CPU },       { "rss", RLIMIT_RSS },
};

int limit_resource(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (!strcmp(limits[i].name, name))
			return limits[i].resource;
	errno = EINVAL;
	return -1;
}

const char *limit_name(int resource)
{
	size_t i;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (limits[i].resource == resource)
			return limits[i].name;
	return NULL;
}

int limit_set(int resource, rlim_t value)
{
	struct rlimit r;

	if (getrlimit(resource, &r) < 0)
		return -1;
	if (value < r.rlim_max)
		r.rlim_max = value;
	r.rlim_cur = r.rlim_max;
	return setrlimit(resource, &r);
}

int limit_soft(int resource, rlim_t value)
{
	struct rlimit r;

	if (getrlimit(resource, &r) < 0)
		return -1;
	r.rlim_cur = value < r.rlim_max ? value : r.rlim_max;
	return setrlimit(resource, &r);
}

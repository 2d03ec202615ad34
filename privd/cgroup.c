/* cgroup: see cgroup.h. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/sched.h>   /* struct clone_args, CLONE_INTO_CGROUP */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgmount.h"
#include "clock.h"
#include "fs.h"
#include "log.h"

#define CPU_PERIOD 100000        /* cpu.max's period, microseconds */
#define REMOVE_GIVE_UP_MS 30000  /* a cgroup that will not empty is left */
#define REMOVE_POLL_MS 50
#define RM_DEPTH 64              /* the user's own cgroups removed this deep */
#define OPEN_DIR (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static const char *const controllers[POLICY_CG_N] = { "memory", "memory", "cpu", "pids" };
static const char *const files[POLICY_CG_N] = { "memory.max", "memory.high", "cpu.max",
						"pids.max" };

struct pending {
	uid_t uid;
	int64_t since;
};

static struct {
	int on;
	int ward;                /* P/ward, opened by us; -1 */
	char path[PATH_MAX];     /* P/ward */
	char have[64];           /* the controllers users' cgroups get: " memory cpu " */
	struct pending *rm;      /* cgroups killed, waiting to be empty */
	size_t nrm, maxrm;
	int born_in;             /* in a child cg_fork made: born in the user's cgroup */
	int no_clone3;           /* the kernel has no clone3 CLONE_INTO_CGROUP: fork */
} C = { .ward = -1 };

const char *cg_controller(int k)
{
	return controllers[k];
}

const char *cg_file(int k)
{
	return files[k];
}

const char *cg_value(int k, uint64_t v, char *buf, size_t len)
{
	if (k == POLICY_CG_CPU && v != POLICY_CG_UNSET && v != POLICY_CG_MAX)
		snprintf(buf, len, "%" PRIu64 " %d", v * (CPU_PERIOD / 100), CPU_PERIOD);
	else if (k == POLICY_CG_CPU)
		snprintf(buf, len, "max %d", CPU_PERIOD);
	else if (v == POLICY_CG_UNSET || v == POLICY_CG_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

int cg_on(void)
{
	return C.on;
}

/* ---- files in a directory we hold: never a link, never a user's name ---- */

static int file_read(int dir, const char *name, char *buf, size_t len)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	errno = e;
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* 1 if the blank-separated list has word */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* NAME in dir, made if missing: a directory of root's, opened */
static int root_dir(int dir, const char *name)
{
	struct stat st;
	int fd;

	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return -1;
	fd = openat(dir, name, OPEN_DIR);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Passes each of memory, cpu, pids that dir has on to its children; the
 * list of those its children got into have (" memory cpu pids "). */
static void controllers_enable(int dir, const char *where, char *have, size_t len)
{
	static const char *const names[] = { "memory", "cpu", "pids" };
	char list[512], add[16];
	size_t i;

	snprintf(have, len, " ");
	if (file_read(dir, "cgroup.controllers", list, sizeof list) < 0)
		return;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!has_word(list, names[i]))
			continue;
		snprintf(add, sizeof add, "+%s", names[i]);
		if (fs_write_text(dir, "cgroup.subtree_control", add) < 0) {
			log_msg(LOG_WARNING, "cgroups: unable to enable the %s controller in "
				"%s/cgroup.subtree_control: %s%s", names[i], where, strerror(errno),
				errno == EBUSY ? " (other processes are in that cgroup: start privd in "
				"a cgroup of its own, see privd(8))" : "");
			continue;
		}
		snprintf(have + strlen(have), len - strlen(have), "%s ", names[i]);
	}
}

/* P read-only, or not root's to write: why, or NULL */
static const char *unwritable(const char *p, int fd, char *why, size_t len)
{
	struct statvfs vfs;

	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		snprintf(why, len, "the cgroup v2 file system holding %.200s is mounted read-only", p);
		return why;
	}
	return NULL;
}

static void setup_off(const char *why)
{
	log_msg(LOG_WARNING, "cgroups: none for users (%s): userds start without them, and a "
		"user's processes are not contained, limited nor killed whole", why);
}

/* privd into P/privd, P/ward made: 0, or -1 with why */
static int tree_make(int p, const char *path, char *why, size_t len)
{
	char pid[24], have_p[64];
	int leaf;

	leaf = root_dir(p, "privd");
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (leaf < 0 || fs_write_text(leaf, "cgroup.procs", pid) < 0) {
		snprintf(why, len, "unable to move privd into %.200s/privd: %s", path, strerror(errno));
		if (leaf >= 0)
			close(leaf);
		return -1;
	}
	close(leaf);
	controllers_enable(p, path, have_p, sizeof have_p);
	C.ward = root_dir(p, "ward");
	if (C.ward < 0) {
		snprintf(why, len, "unable to make %.200s/ward: %s", path, strerror(errno));
		return -1;
	}
	snprintf(C.path, sizeof C.path, "%s/ward", path);
	controllers_enable(C.ward, C.path, C.have, sizeof C.have);
	return 0;
}

void cg_setup(void)
{
	char path[PATH_MAX - 16], why[512];
	int p;

	if (cgmount_self(path, sizeof path) < 0) {
		if (errno == ENOENT)
			snprintf(why, sizeof why, "no cgroup v2 mounted, by /proc/self/mountinfo");
		else
			snprintf(why, sizeof why, "privd's own cgroup unknown: %s", strerror(errno));
		setup_off(why);
		return;
	}
	if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';   /* the root cgroup: no "//ward" */
	p = open(path, OPEN_DIR);
	if (p < 0) {
		snprintf(why, sizeof why, "unable to open privd's cgroup %.200s: %s", path,
			 strerror(errno));
		setup_off(why);
		return;
	}
	if (unwritable(path, p, why, sizeof why) || tree_make(p, path, why, sizeof why) < 0) {
		close(p);
		setup_off(why);
		return;
	}
	close(p);
	C.on = 1;
	log_msg(LOG_INFO, "cgroups: users' cgroups in %s; controllers for their caps:%s", C.path,
		strcmp(C.have, " ") ? C.have : " none");
}

/* ---- a user's cgroup ---- */

static void user_name(uid_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "user-%u", (unsigned)uid);
}

/* U opened: the one we made (only root can make entries in P/ward) */
static int user_open(uid_t uid)
{
	char name[32];

	user_name(uid, name, sizeof name);
	return openat(C.ward, name, OPEN_DIR);
}

int cg_user_path(uid_t uid, char *buf, size_t len)
{
	int n;

	if (!C.on)
		return -1;
	n = snprintf(buf, len, "%s/user-%u", C.path, (unsigned)uid);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

static void pending_drop(uid_t uid)
{
	size_t i;

	for (i = 0; i < C.nrm; i++)
		if (C.rm[i].uid == uid) {
			C.rm[i] = C.rm[--C.nrm];
			return;
		}
}

/* The directory and the three files the kernel's delegation rules name */
static int delegate(int u, uid_t uid, gid_t gid)
{
	static const char *const mine[] = { "cgroup.procs", "cgroup.threads",
					    "cgroup.subtree_control" };
	size_t i;

	if (fchown(u, uid, gid) < 0)
		return -1;
	for (i = 0; i < sizeof mine / sizeof mine[0]; i++)
		if (fchownat(u, mine[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -1;
	return 0;
}

int cg_user_make(const struct policy_user *pu, gid_t gid, unsigned *warned)
{
	char name[32];
	int u;

	if (!C.on)
		return 0;
	pending_drop(pu->uid);   /* re-added before the old one was gone: kept */
	user_name(pu->uid, name, sizeof name);
	if (mkdirat(C.ward, name, 0755) < 0 && errno != EEXIST) {
		log_msg(LOG_ERR, "userd %s: unable to make its cgroup %s/%s: %s", pu->name, C.path,
			name, strerror(errno));
		return -1;
	}
	u = user_open(pu->uid);
	if (u < 0 || delegate(u, pu->uid, gid) < 0) {
		log_msg(LOG_ERR, "userd %s: unable to delegate its cgroup %s/%s: %s", pu->name, C.path,
			name, strerror(errno));
		if (u >= 0)
			close(u);
		return -1;
	}
	close(u);
	cg_user_limits(pu, warned);
	return 0;
}

static void limit_unenforced(const struct policy_user *pu, int k)
{
	char v[40];

	if (k == POLICY_CG_CPU)
		snprintf(v, sizeof v, "%" PRIu64 "%%", pu->cg[k]);
	else
		cg_value(k, pu->cg[k], v, sizeof v);
	log_msg(LOG_WARNING, "user %s: limit %s %s not applied: no %s controller in %s/"
		"cgroup.subtree_control (the host does not give privd's cgroup one)", pu->name,
		policy_cg_name(k), v, controllers[k], C.path);
}

/* Every cap the host's controllers allow, "max" where the policy sets
 * none (so that one removed from the policy is lifted); each one the host
 * cannot enforce said once. */
void cg_user_limits(const struct policy_user *pu, unsigned *warned)
{
	char v[40];
	int k, u;

	if (!C.on)
		return;
	u = user_open(pu->uid);
	if (u < 0)
		return;
	for (k = 0; k < POLICY_CG_N; k++) {
		if (!has_word(C.have, controllers[k])) {
			if (pu->cg[k] != POLICY_CG_UNSET && !(*warned & (1u << k)))
				limit_unenforced(pu, k);
			*warned = pu->cg[k] != POLICY_CG_UNSET ? *warned | (1u << k) : *warned & ~(1u << k);
			continue;
		}
		if (fs_write_text(u, files[k], cg_value(k, pu->cg[k], v, sizeof v)) < 0)
			log_msg(LOG_ERR, "user %s: unable to write \"%s\" to %s/user-%u/%s: %s",
				pu->name, v, C.path, (unsigned)pu->uid, files[k], strerror(errno));
	}
	close(u);
}

/* clone3 with CLONE_INTO_CGROUP: the child is born in the cgroup.  Moving
 * a process by writing cgroup.procs takes the kernel's threadgroup lock
 * for writing, which waits for an RCU grace period: milliseconds a user,
 * seconds for a thousand at a cold start.  A kernel without it (before
 * 5.7): -1 with ENOSYS (or E2BIG, EINVAL), and fork is used from then on. */
static pid_t clone_into(int cgroup)
{
	struct clone_args a;

	memset(&a, 0, sizeof a);
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cgroup;
	return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

pid_t cg_fork(uid_t uid)
{
	pid_t pid;
	int u;

	if (!C.on || C.no_clone3 || (u = user_open(uid)) < 0)
		return fork();
	pid = clone_into(u);
	close(u);
	if (pid == 0) {
		C.born_in = 1;
		return 0;
	}
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
		C.no_clone3 = 1;
		log_msg(LOG_INFO, "cgroups: no clone3 into a cgroup (%s): userds are moved into "
			"theirs after fork", strerror(errno));
		return fork();
	}
	return pid;
}

/* In the child that becomes the userd, still root */
int cg_user_join(uid_t uid)
{
	int u, r;

	if (!C.on || C.born_in)
		return 0;
	u = user_open(uid);
	if (u < 0)
		return -1;
	r = fs_write_text(u, "cgroup.procs", "0");
	close(u);
	return r;
}

/* ---- removal ---- */

static int pending_add(uid_t uid)
{
	if (C.nrm == C.maxrm) {
		size_t n = C.maxrm ? C.maxrm * 2 : 16;
		struct pending *r = realloc(C.rm, n * sizeof *r);

		if (!r)
			return -1;
		C.rm = r;
		C.maxrm = n;
	}
	C.rm[C.nrm].uid = uid;
	C.rm[C.nrm++].since = clock_ms();
	return 0;
}

int cg_user_kill(uid_t uid)
{
	int u;

	if (!C.on)
		return -1;
	u = user_open(uid);
	if (u < 0)
		return -1;
	if (fs_write_text(u, "cgroup.kill", "1") < 0)
		log_msg(LOG_ERR, "cgroups: unable to kill %s/user-%u: %s", C.path, (unsigned)uid,
			strerror(errno));
	close(u);
	pending_drop(uid);
	pending_add(uid);
	return 0;
}

/* As the user: every cgroup they made under dir, depth first */
static void rm_tree(int dir, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(dir);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = openat(dir, de->d_name, OPEN_DIR);
		if (sub < 0)
			continue;
		if (depth < RM_DEPTH)
			rm_tree(sub, depth + 1);
		close(sub);
		unlinkat(dir, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* The user's own cgroups in U removed by a child that is the user (the
 * owner of U, whoever the passwd file says that is now) */
static void rm_user_made(int u)
{
	struct stat st;
	pid_t pid;

	if (fstat(u, &st) < 0 || st.st_uid == 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* none of privd's fds (channels, the log) in the user's hands */
		if (dup2(u, 3) < 0 || close_range(4, ~0U, 0) < 0)
			_exit(111);
		if (setgroups(0, NULL) < 0 || setresgid(st.st_gid, st.st_gid, st.st_gid) < 0 ||
		    setresuid(st.st_uid, st.st_uid, st.st_uid) < 0)
			_exit(111);
		rm_tree(3, 0);
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* 1 if r is given up on (said so), 0 while there is time */
static int give_up(const struct pending *r, const char *name, const char *why)
{
	if (clock_ms() - r->since <= REMOVE_GIVE_UP_MS)
		return 0;
	log_msg(LOG_ERR, "cgroups: %s/%s %s %d s after its kill: left", C.path, name, why,
		REMOVE_GIVE_UP_MS / 1000);
	return 1;
}

/* 1 once U is gone (or given up on), 0 while it still has processes or
 * cgroups the user made (one of their processes outside it may make more) */
static int remove_one(const struct pending *r)
{
	char ev[256], name[32];
	int u = user_open(r->uid);

	if (u < 0)
		return 1;
	user_name(r->uid, name, sizeof name);
	if (file_read(u, "cgroup.events", ev, sizeof ev) == 0 && strstr(ev, "populated 1")) {
		close(u);
		return give_up(r, name, "still has processes");
	}
	rm_user_made(u);
	close(u);
	if (unlinkat(C.ward, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		if (errno == EBUSY || errno == ENOTEMPTY)
			return give_up(r, name, "still has cgroups in it");
		log_msg(LOG_ERR, "cgroups: unable to remove %s/%s: %s", C.path, name, strerror(errno));
		return 1;
	}
	log_msg(LOG_INFO, "cgroups: %s/%s emptied and removed", C.path, name);
	return 1;
}

int cg_reap(void)
{
	size_t i = 0;

	while (i < C.nrm)
		if (remove_one(&C.rm[i]))
			C.rm[i] = C.rm[--C.nrm];
		else
			i++;
	return C.nrm ? REMOVE_POLL_MS : -1;
}

/* ---- privd -t ---- */

void cg_report(void)
{
	char path[PATH_MAX], list[512], why[300];
	const char *k[] = { "memory", "cpu", "pids" }, *bad;
	const char *what[] = { "limit memory, limit memory-high", "limit cpu PERCENT%",
			       "limit tasks" };
	size_t i;
	int p;

	if (cgmount_self(path, sizeof path) < 0) {
		printf("privd: cgroups: none (%s): users' trees are not contained\n",
		       errno == ENOENT ? "no cgroup v2 mounted" : strerror(errno));
		return;
	}
	p = open(path, OPEN_DIR);
	bad = p < 0 ? strerror(errno) : unwritable(path, p, why, sizeof why);
	if (bad) {
		printf("privd: cgroups: none (%s): users' trees are not contained\n", bad);
		if (p >= 0)
			close(p);
		return;
	}
	if (file_read(p, "cgroup.controllers", list, sizeof list) < 0)
		list[0] = '\0';
	close(p);
	printf("privd: cgroups: v2, privd's cgroup %s: each user's tree contained and killed "
	       "whole\n", path);
	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (has_word(list, k[i]))
			printf("privd: cgroups: enforces %s\n", what[i]);
		else
			printf("privd: cgroups: cannot enforce %s: no %s controller in "
			       "%s/cgroup.controllers\n", what[i], k[i], path);
}

#include "sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fs.h"
#include "netbind.h"
#include "wire.h"
#include "wireclient.h"

#define PRIVILEGED_BELOW 1024
#define GRANTS_SHOWN 16          /* a refusal lists at most this many grants */

/* ---- the relay's client ---- */

static uint32_t next_id = 1;

/* A path too long for sun_path is reached through its directory's fd. */
static int connect_path(int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dfd, r, e;

	if (strlen(path) < sizeof sa.sun_path) {
		strcpy(sa.sun_path, path);
		return connect(fd, (struct sockaddr *)&sa, sizeof sa);
	}
	if (!slash || (size_t)(slash - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	if (snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dfd, slash + 1) >=
	    (int)sizeof sa.sun_path) {
		close(dfd);
		errno = ENAMETOOLONG;
		return -1;
	}
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/* Only our own userd answers for us: whoever listens must be our uid. */
static int peer_is_us(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	return cr.uid == geteuid();
}

socklen_t relay_published(uid_t uid, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "%s%u", RELAY_PUBLISHED,
		     (unsigned)uid);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* path, or RELAY_OURS: the relay published for our uid */
static int connect_relay(int fd, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;

	if (strcmp(path, RELAY_OURS))
		return connect_path(fd, path);
	len = relay_published(geteuid(), &sa);
	return connect(fd, (struct sockaddr *)&sa, len);
}

int bindclient_open(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), e;

	if (fd < 0)
		return -1;
	if (wire_timeout(fd, BINDCLIENT_TIMEOUT_MS) < 0 || connect_relay(fd, path) < 0)
		goto fail;
	if (!peer_is_us(fd)) {
		errno = EPERM;
		goto fail;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int bindclient_bind(int fd, const struct listen_entry *e)
{
	struct wire_bind_req r = { .id = next_id++, .ep = e->ep };

	return wire_bind_request(fd, &r);
}

static void append(char *out, size_t size, const char *s)
{
	size_t n = strlen(out);

	if (n < size)
		snprintf(out + n, size - n, "%s", s);
}

void bindclient_grants(int fd, int proto, char *out, size_t size)
{
	struct wire_grants_ans a;
	uint16_t i = 0;
	int shown = 0;
	char one[80];

	out[0] = '\0';
	do {
		if (wire_grants_request(fd, next_id++, i, &a) < 0) {
			snprintf(out, size, "unknown (%s)", strerror(errno));
			return;
		}
		if (a.grant.ep.proto == proto && shown < GRANTS_SHOWN) {
			ep_range_format(&a.grant, one, sizeof one);
			append(out, size, shown++ ? ", " : "");
			append(out, size, one);
		}
	} while (++i < a.total);
	if (!shown)
		snprintf(out, size, "no %s port", proto == EP_TCP ? "tcp" : "udp");
}

const char *relay_told(void)
{
	const char *v = getenv(BINDSOCK_ENV);

	return v ? v : "";
}

/* The first of the places that answers as our own userd's relay ("" is
 * skipped), or -1.  Then *failed is the first place that is there but
 * would not serve us (not ours, not for us to reach, no answer), if any:
 * that is said rather than "no relay". */
static int relay_find(const char *const *relays, const char **failed, int *why)
{
	int c = -1;

	*failed = NULL;
	for (; relays && *relays && c < 0; relays++) {
		if (!**relays)
			continue;
		c = bindclient_open(*relays);
		if (c < 0 && !*failed && errno != ENOENT && errno != ECONNREFUSED) {
			*failed = *relays;
			*why = errno;
		}
	}
	return c;
}

/* No relay: a port below 1024 is bound directly, which works only with
 * CAP_NET_BIND_SERVICE or a lowered ip_unprivileged_port_start. */
static int obtain_direct(const struct listen_entry *e, const char *what, char *err, size_t errlen)
{
	int s = netbind(e->ep.proto, e->ep.family, e->ep.addr, e->ep.port, 0);

	if (s >= 0)
		return s;
	if (errno == EACCES && e->ep.port < PRIVILEGED_BELOW)
		snprintf(err, errlen, "%s: no privd relay for this user: privileged ports need "
			 "privd (a userd started by privd for this user)", what);
	else
		snprintf(err, errlen, "%s: unable to bind: %s", what, strerror(errno));
	return -1;
}

static int obtain_relayed(const struct listen_entry *e, int c, const char *what, char *err,
			  size_t errlen)
{
	char grants[160];
	int s, why;

	s = bindclient_bind(c, e);
	why = errno;
	if (s < 0 && why == EACCES) {
		bindclient_grants(c, e->ep.proto, grants, sizeof grants);
		snprintf(err, errlen, "%s: not granted by the policy (granted: %s)", what, grants);
	} else if (s < 0) {
		snprintf(err, errlen, "%s: refused by privd: %s", what, strerror(why));
	}
	close(c);
	errno = why;
	return s;
}

int sockets_obtain(const struct listen_entry *e, const char *const *relays, char *err,
		   size_t errlen)
{
	char what[80];
	const char *failed = NULL;
	int c = -1, why = 0;

	listen_describe(e, what, sizeof what);
	if (e->ep.port < PRIVILEGED_BELOW)
		c = relay_find(relays, &failed, &why);
	if (c >= 0)
		return obtain_relayed(e, c, what, err, errlen);
	if (failed) {
		snprintf(err, errlen, "%s: unable to reach userd at %s: %s", what,
			 strcmp(failed, RELAY_OURS) ? failed : "the relay published for this uid",
			 strerror(why));
		errno = why;
		return -1;
	}
	return obtain_direct(e, what, err, errlen);
}

/* ---- the set ---- */

void sockets_init(struct sockset *set)
{
	size_t i;

	set->n = 0;
	for (i = 0; i < LISTEN_MAX; i++)
		set->fd[i] = -1;
}

void sockets_close(struct sockset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->fd[i] >= 0)
			close(set->fd[i]);
	sockets_init(set);
}

/* Moves each held socket that new still lists into its new place (fd),
 * closes the others. */
static void keep_listed(struct sockset *set, const struct listen_entry *e, size_t n, int *fd)
{
	size_t i, j;

	for (j = 0; j < n; j++)
		fd[j] = -1;
	for (i = 0; i < set->n; i++) {
		for (j = 0; j < n && (set->fd[i] < 0 || !ep_equal(&set->e[i].ep, &e[j].ep)); j++)
			;
		if (j < n)
			fd[j] = set->fd[i];
		else if (set->fd[i] >= 0)
			close(set->fd[i]);
	}
}

/* n entries read from dirfd/listen (0 without one), or -1 with err */
static int listen_read(int dirfd, struct listen_entry *e, char *err, size_t errlen)
{
	char text[LISTEN_FILE_MAX + 1], why[200];
	ssize_t len = fs_read_file(dirfd, "listen", text, sizeof text);
	int n;

	if (len < 0 && errno == ENOENT)
		return 0;
	if (len < 0) {
		snprintf(err, errlen, "unable to read listen: %s", strerror(errno));
		return -1;
	}
	n = listen_parse(text, (size_t)len, e, LISTEN_MAX, why, sizeof why);
	if (n < 0)
		snprintf(err, errlen, "listen:%s", why);
	return n;
}

int sockets_update(struct sockset *set, int dirfd, const char *const *relays, char *err,
		   size_t errlen)
{
	struct listen_entry e[LISTEN_MAX];
	int fd[LISTEN_MAX], n = listen_read(dirfd, e, err, errlen), rc = 0, i;
	char one[256];

	if (n < 0)
		return -1;
	keep_listed(set, e, (size_t)n, fd);
	for (i = 0; i < n; i++) {
		set->e[i] = e[i];
		if (fd[i] < 0)
			fd[i] = sockets_obtain(&e[i], relays, one, sizeof one);
		if (fd[i] < 0 && rc++ == 0)
			snprintf(err, errlen, "%s", one);   /* the first reason is kept */
		set->fd[i] = fd[i];
	}
	for (; i < LISTEN_MAX; i++)
		set->fd[i] = -1;
	set->n = (size_t)n;
	return rc ? -1 : 0;
}

/* ---- the hand-over ---- */

static int set_env(const struct sockset *set)
{
	char num[16], names[LISTEN_MAX * LISTEN_NAME_MAX];
	size_t i;

	if (set->n == 0) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
		return 0;
	}
	names[0] = '\0';
	for (i = 0; i < set->n; i++) {
		append(names, sizeof names, i ? ":" : "");
		append(names, sizeof names, set->e[i].name);
	}
	snprintf(num, sizeof num, "%zu", set->n);
	if (setenv("LISTEN_FDS", num, 1) < 0 || setenv("LISTEN_FDNAMES", names, 1) < 0)
		return -1;
	snprintf(num, sizeof num, "%d", (int)getpid());
	return setenv("LISTEN_PID", num, 1);
}

int sockets_child(const struct sockset *set, int keep)
{
	int high[LISTEN_MAX], base = 3 + (int)set->n, i, n = (int)set->n;

	if (n == 0)
		return set_env(set);   /* runit's way: nothing else changes */
	if (keep >= 3 && keep < base) {
		errno = EBADF;   /* the caller's fd would be overwritten */
		return -1;
	}
	/* first out of the way of 3..base-1, then into place */
	for (i = 0; i < n; i++) {
		high[i] = fcntl(set->fd[i], F_DUPFD_CLOEXEC, keep >= base ? keep + 1 : base);
		if (high[i] < 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (dup2(high[i], 3 + i) < 0)
			return -1;
	if (keep >= base) {
		if (keep > base && close_range((unsigned)base, (unsigned)keep - 1, CLOSE_RANGE_CLOEXEC) < 0)
			return -1;
		if (close_range((unsigned)keep + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
			return -1;
	} else if (close_range((unsigned)base, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		return -1;
	}
	return set_env(set);
}

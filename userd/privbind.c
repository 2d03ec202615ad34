/* privbind: the sockets of a listen file, for a program outside supervision
 * (a run script tried by hand).  See privbind(8).
 *
 *   privbind [-s SOCKET] PROTO [ADDRESS:]PORT [name=NAME] ... -- PROG [ARG]...
 *   privbind [-s SOCKET] -- PROG [ARG]...
 *
 * The second form runs PROG with its own bind() calls of privileged ports
 * granted through the bind trap (userd/lib/bindtrap.h), privbind staying
 * its parent.
 *
 * The words before -- are a listen file written on the command line, one
 * socket from each PROTO word on; they are checked by the same parser.
 * Ports below 1024 are asked of the user's userd (SOCKET alone, or the
 * first that answers of $WARD_BIND_SOCKET, the relay published for our uid
 * and ~/service/.userd/bind.sock), others bound directly; then PROG is
 * executed with
 * the sockets on fds 3.. and LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES, as
 * runsv hands them to ./run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fs.h"
#include "bindtrap.h"
#include "sockets.h"

static void usage(void)
{
	err_fatal(EXIT_USAGE, "usage: privbind [-s SOCKET] [PROTO [ADDRESS:]PORT [name=NAME]...] -- PROG [ARG]...");
}

/* argv[from..to) as listen file text: a new line before each tcp/udp */
static void as_listen(char **argv, int from, int to, char *text, size_t size)
{
	size_t n = 0;
	int i;

	text[0] = '\0';
	for (i = from; i < to; i++) {
		int newline = i > from && (!strcmp(argv[i], "tcp") || !strcmp(argv[i], "udp"));

		if (strchr(argv[i], '\n') || strchr(argv[i], '#'))
			err_fatal(EXIT_USAGE, "argument %d: bad character in \"%s\"", i, argv[i]);
		n += (size_t)snprintf(text + n, n < size ? size - n : 0, "%s%s",
				      i == from ? "" : newline ? "\n" : " ", argv[i]);
		if (n >= size)
			err_fatal(EXIT_USAGE, "too many sockets");
	}
}

/* runsv's services have WARD_BIND_SOCKET; a login shell usually does not,
 * and then the relay the user's userd published for their uid (wherever
 * the tree is), then the usual service directory's */
static void default_relays(const char *relays[4])
{
	static char path[4096];
	const char *home = getenv("HOME");

	relays[0] = relay_told();
	relays[1] = RELAY_OURS;
	relays[2] = "";
	relays[3] = NULL;
	if (home && snprintf(path, sizeof path, "%s/%s/%s/%s", home, USER_TREE, RELAY_DIR, RELAY_SOCK) <
		    (int)sizeof path)
		relays[2] = path;
}

int main(int argc, char **argv)
{
	struct sockset set;
	char text[LISTEN_FILE_MAX], err[256];
	const char *relays[4];
	int i = 1, dash, n;
	size_t k;

	err_init(argv[0]);
	err_version_option(argc, argv);
	default_relays(relays);
	if (i + 1 < argc && !strcmp(argv[i], "-s")) {
		relays[0] = argv[i + 1];
		relays[1] = NULL;
		i += 2;
	}
	for (dash = i; dash < argc && strcmp(argv[dash], "--"); dash++)
		;
	if (dash + 1 >= argc)
		usage();
	if (dash == i)
		return bindtrap_run(argv + dash + 1, relays);
	as_listen(argv, i, dash, text, sizeof text);
	sockets_init(&set);
	n = listen_parse(text, strlen(text), set.e, LISTEN_MAX, err, sizeof err);
	if (n < 0)
		err_fatal(EXIT_USAGE, "socket %s", err);
	set.n = (size_t)n;
	for (k = 0; k < set.n; k++) {
		set.fd[k] = sockets_obtain(&set.e[k], relays, err, sizeof err);
		if (set.fd[k] < 0)
			err_fatal(EXIT_TEMP, "%s", err);
	}
	if (sockets_child(&set, -1) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set up the sockets");
	execvp(argv[dash + 1], argv + dash + 1);
	err_fatal_sys(EXIT_TEMP, "unable to run %s", argv[dash + 1]);
}

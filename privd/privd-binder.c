/* privd-binder: privd's binder (binder.c) as a program of its own, so that
 * the one root-side process that reads bytes a user wrote maps none of the
 * master's code: no policy parser, no NSS (the move of OpenSSH's
 * sshd-auth).  privd starts it, always from the file it opened when it
 * started; it is not for running by hand. */
#include <string.h>
#include <sys/prctl.h>

#include "binder.h"
#include "err.h"

int main(int argc, char **argv)
{
	err_init(BINDER_PROG);
	err_version_option(argc, argv);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-s")))
		err_fatal(EXIT_USAGE, "usage: %s [-s]: started by privd, not by hand", BINDER_PROG);
	/* run from an fd, it would be named after the fd's number */
	prctl(PR_SET_NAME, BINDER_PROG, 0, 0, 0);
	binder_main(argc == 2);
}

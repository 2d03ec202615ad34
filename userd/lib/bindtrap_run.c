/* bindtrap_run: privbind -- PROG, a program from the user's shell with its
 * binds trapped (bindtrap.h).  privbind stays its parent: it answers the
 * trapped binds, passes signals on, and exits as the program did. */
#include "bindtrap.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"

static const int passed[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void child(struct bindtrap *t, char *const argv[], const sigset_t *old)
{
	bindtrap_child(t);
	sigprocmask(SIG_SETMASK, old, NULL);
	execvp(argv[0], argv);
	err_warn_sys("unable to run %s", argv[0]);
	_exit(EXIT_TEMP);
}

/* The program's exit, once reaped: its status as a shell would say it. */
static int reaped(pid_t pid, int *code)
{
	int st;

	if (waitpid(pid, &st, WNOHANG) != pid)
		return 0;
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

int bindtrap_run(char *const argv[], const char *const *relays)
{
	static struct bindtrap t;
	struct signalfd_siginfo si;
	struct pollfd p[2];
	sigset_t set, old;
	size_t i;
	pid_t pid;
	int sfd, code = 111;

	bindtrap_init(&t, relays);
	t.set_nnp = 1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (i = 0; i < sizeof passed / sizeof passed[0]; i++)
		sigaddset(&set, passed[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0 || bindtrap_prepare(&t) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set up the bind trap");
	pid = fork();
	if (pid == 0)
		child(&t, argv, &old);
	bindtrap_started(&t, pid);
	if (pid < 0)
		err_fatal_sys(EXIT_TEMP, "unable to fork");
	for (;;) {
		p[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = bindtrap_pollfd(&t), .events = POLLIN };
		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to poll");
		if (p[1].fd >= 0 && p[1].revents)
			bindtrap_serve(&t);
		if (!(p[0].revents & POLLIN) || read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
		else if (reaped(pid, &code))
			return code;
	}
}

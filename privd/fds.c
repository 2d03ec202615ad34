#include "fds.h"

rlim_t fd_limit_raise(struct rlimit *was)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, was) < 0)
		return 0;
	r = *was;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		return was->rlim_cur;
	return r.rlim_cur;
}

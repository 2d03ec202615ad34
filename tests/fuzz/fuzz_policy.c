/* Fuzz target: the policy parser on arbitrary text.  Oracle: every grant it
 * keeps is well-formed, every user has a name, the counts stay in bounds,
 * and every kept message names a file and line.  (include statements open
 * whatever path the input names, relative to the working directory.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = policy_new();
	char d[100];
	size_t i;

	/* a new policy each time: a zeroed one would allow no user at all
	 * (max_users 0) and leak what the last one allocated */
	if (!p)
		abort();
	policy_read_text(p, "f", (const char *)data, size);
	policy_finish(p);
	if (p->nusers > POLICY_MAX_USERS || p->ngrants > POLICY_MAX_GRANTS ||
	    p->nmsgs > POLICY_MAX_MSGS || p->nmsgs > p->nerrors + p->nwarnings)
		abort();
	for (i = 0; i < p->ngrants; i++) {
		const struct policy_grant *g = &p->grants[i];
		const struct endpoint *e = &g->range.ep;

		if (e->port < 1 || e->port > g->range.hi || (e->proto != EP_TCP && e->proto != EP_UDP))
			abort();
		if (e->family != 0 && e->family != AF_INET && e->family != AF_INET6)
			abort();
		policy_grant_describe(g, d, sizeof d);
	}
	for (i = 0; i < p->nusers; i++)
		if (!p->users[i].name[0] || p->users[i].uid == 0)
			abort();
	/* messages name "f:LINE", or an included file's "PATH:0" */
	for (i = 0; i < p->nmsgs; i++)
		if (strncmp(p->msg[i], "f:", 2) && !strstr(p->msg[i], ":0: "))
			abort();
	policy_free(p);
	return 0;
}

/* policy_grant_match (policy.h), in a file of its own: the binder links
 * it, and with it neither the policy parser nor what that calls (NSS). */
#include "policy.h"

#include <string.h>
#include <sys/socket.h>

int policy_grant_match(const struct policy_grant *g, int proto, int family,
		       const unsigned char *addr, uint16_t port)
{
	if (g->proto != proto || port < g->lo || port > g->hi)
		return 0;
	if (g->family == 0)
		return family == AF_INET || family == AF_INET6;
	return g->family == family && !memcmp(g->addr, addr, family == AF_INET ? 4 : 16);
}

/* The binder's handling of the master's messages and of user requests,
 * without its process around it (capabilities, seccomp, the poll loop):
 * for tests that drive it in-process (tests/fuzz/fuzz_binder.c).  privd
 * itself only calls binder_main (binder.h). */
#ifndef PRIVD_BINDER_CORE_H
#define PRIVD_BINDER_CORE_H

#include <stddef.h>
#include <sys/types.h>

#include "policy.h"
#include "wire.h"

/* What the binder holds for one channel (slot), read-only. */
struct binder_view {
	int fd;                             /* the binder's end; -1: none */
	int dead;                           /* shut: no longer served */
	uid_t uid;                          /* whose channel it is */
	const struct policy_grant *grants;  /* what that uid may bind */
	size_t ngrants;
};

/* every slot empty, as when the binder starts */
void binder_slots_init(void);
/* reads what the master sent on ctl; returns 0 once it has gone */
int binder_ctl_read(int ctl);
/* serves one record of slot idx, as the poll loop does when it is readable */
void binder_serve_one(unsigned idx);
/* 1 if slot idx's grants allow r */
int binder_granted(unsigned idx, const struct wire_bind_req *r);
void binder_view(unsigned idx, struct binder_view *v);

#endif

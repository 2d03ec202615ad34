/* wireclient: the user side's blocking requests to the binder's protocol
 * (common/wire.h, docs/protocol.md), for runsv, privbind and the test
 * helpers that talk to userd's relay or a binder channel.  Root never
 * sends a request, so this is not in common/. */
#ifndef WARD_WIRECLIENT_H
#define WARD_WIRECLIENT_H

#include "wire.h"

/* Sets sock's send and receive timeouts (SO_SNDTIMEO, SO_RCVTIMEO) to ms:
 * the two requests below then wait that long at most.  0 or -1. */
int wire_timeout(int sock, int ms);
/* sends r on chan and waits for the answer, as long as chan's
 * timeouts allow (wire_timeout; none set: for ever).  Returns the socket,
 * or -1 with errno the binder's status (EACCES: not granted, EADDRINUSE
 * ...), ETIMEDOUT, or EPROTO for a malformed answer.  An answer to another
 * id (late, to a request that timed out) is skipped, its socket closed. */
int wire_bind_request(int chan, const struct wire_bind_req *r);
/* sends r (backlog 0) as a BINDFD_REQ with sock, the caller's own unbound
 * socket, and waits as wire_bind_request does: 0 when sock is now bound
 * there, or -1 with errno the binder's status (EACCES ...). */
int wire_bindfd_request(int chan, const struct wire_bind_req *r, int sock);
/* asks for grant number index; 0 with *a filled, or -1 (the
 * same timeouts and late answers as wire_bind_request). */
int wire_grants_request(int chan, uint32_t id, uint16_t index, struct wire_grants_ans *a);

#endif

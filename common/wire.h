/* wire: the binder protocol (docs/protocol.md).
 *
 * Every message on both channels is WIRE_SIZE bytes, sent as one
 * SOCK_SEQPACKET record: version (2 bytes, little-endian), type (2), then
 * the type's fields at fixed offsets; every byte not used by a field is 0.
 * A decoder checks the exact length, the version, the type and every field
 * (reserved bytes included) and returns -1 on anything else.
 *
 * User channel (one socketpair per userd):
 *   userd -> binder  WIRE_BIND_REQ   id, proto, family, address, port, backlog
 *   binder -> userd  WIRE_BIND_ANS   id, status (0 or an errno), + the socket
 *                                    as SCM_RIGHTS when status is 0
 *   userd -> binder  WIRE_GRANTS_REQ id, index: what may I bind? (version 2)
 *   binder -> userd  WIRE_GRANTS_ANS id, index, total, and grant number index
 *                                    of the channel's user (proto 0 when
 *                                    index >= total)
 *   userd -> binder  WIRE_BINDFD_REQ id, proto, family, address, port, + the
 *                                    user's own unbound socket as SCM_RIGHTS:
 *                                    bind it there (version 4); answered by a
 *                                    WIRE_BIND_ANS that carries no fd
 * userd relays both pairs, unchanged but for the id, between its user's
 * processes and the binder (userd/lib/bindrelay.h).
 * Internal channel (master -> binder only; the binder never writes to it):
 *   WIRE_GRANT   slot, proto, family (0: any address), address, ports lo-hi:
 *                adds to the slot's pending grants
 *   WIRE_COMMIT  slot, uid, has_fd: the pending grants replace the slot's
 *                grants; with has_fd, the attached fd replaces its channel
 *   WIRE_DROP    slot: the binder closes the channel and forgets the slot
 *
 * The pair of a request: wire_bind_request() is the user side's stub
 * (userd/lib/wireclient.h), wire_bind_answer() the binder's answer. */
#ifndef WARD_WIRE_H
#define WARD_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "endpoint.h"
#include <sys/types.h>

/* 3: the SO_REUSEPORT flag of a bind request (version 2) is gone.
 * 4: BINDFD_REQ, a socket of the user's to bind (seccomp's bind trap). */
#define WIRE_VERSION 4
#define WIRE_SIZE    48
#define WIRE_MAX_SLOTS 4096
#define WIRE_BACKLOG_DEFAULT 128
#define WIRE_BACKLOG_MAX 4096

enum wire_type {
	WIRE_BIND_REQ = 1,
	WIRE_BIND_ANS = 2,
	WIRE_GRANTS_REQ = 3,
	WIRE_GRANTS_ANS = 4,
	WIRE_BINDFD_REQ = 5,
	WIRE_GRANT = 16,
	WIRE_COMMIT = 17,
	WIRE_DROP = 18,
};

/* proto is enum ep_proto, as on the wire (asserted in wire.c) */
struct wire_bind_req {
	uint32_t id;             /* chosen by the client, echoed in the answer */
	struct endpoint ep;      /* family AF_INET or AF_INET6; port 1..65535 */
	uint32_t backlog;        /* tcp: 0 (= WIRE_BACKLOG_DEFAULT)..WIRE_BACKLOG_MAX; udp: 0 */
};

struct wire_bind_ans {
	uint32_t id;
	int status;              /* 0 or a positive errno value < 4096 */
};

struct wire_grants_req {
	uint32_t id;
	uint16_t index;
};

struct wire_grants_ans {
	uint32_t id;
	uint16_t index, total;   /* total: how many grants the user has */
	struct ep_range grant;   /* proto 0: no grant at index; family 0: any address */
};

struct wire_ctl {
	int type;                /* WIRE_GRANT, WIRE_COMMIT or WIRE_DROP */
	uint32_t slot;           /* < WIRE_MAX_SLOTS */
	uint32_t uid;            /* COMMIT */
	int has_fd;              /* COMMIT: 0 or 1 */
	struct ep_range grant;   /* GRANT: family 0 = any address, 1 <= port <= hi */
};

/* Each encoder fills WIRE_SIZE bytes and returns 0, or -1 (EINVAL) when the
 * struct holds a value the decoder would refuse.  Each decoder returns 0,
 * or -1 with errno EINVAL; wire_decode_bind_req's errno is EOPNOTSUPP for a
 * request that is well formed but for bytes 10-11, version 2's flags, set
 * (bit 0 asked for SO_REUSEPORT): so the binder can say what it refused. */
int wire_encode_bind_req(unsigned char *m, const struct wire_bind_req *r);
int wire_decode_bind_req(const unsigned char *m, size_t len, struct wire_bind_req *r);
/* BINDFD_REQ: struct wire_bind_req with backlog 0 (the user listens). */
int wire_encode_bindfd_req(unsigned char *m, const struct wire_bind_req *r);
int wire_decode_bindfd_req(const unsigned char *m, size_t len, struct wire_bind_req *r);
int wire_encode_bind_ans(unsigned char *m, const struct wire_bind_ans *a);
int wire_decode_bind_ans(const unsigned char *m, size_t len, struct wire_bind_ans *a);
int wire_encode_grants_req(unsigned char *m, const struct wire_grants_req *r);
int wire_decode_grants_req(const unsigned char *m, size_t len, struct wire_grants_req *r);
int wire_encode_grants_ans(unsigned char *m, const struct wire_grants_ans *a);
int wire_decode_grants_ans(const unsigned char *m, size_t len, struct wire_grants_ans *a);
int wire_encode_ctl(unsigned char *m, const struct wire_ctl *c);
int wire_decode_ctl(const unsigned char *m, size_t len, struct wire_ctl *c);

/* The type of a record of len bytes with our version, or -1: for
 * dispatching before the type's own decoder checks every field. */
int wire_type(const unsigned char *m, size_t len);
/* The id of a request or answer (offset 4), and setting it: for a relay. */
uint32_t wire_id(const unsigned char *m);
void wire_set_id(unsigned char *m, uint32_t id);

/* One record, with fd attached as SCM_RIGHTS if fd >= 0.  0 or -1. */
int wire_send(int sock, const unsigned char *m, int fd);
/* One record into m (WIRE_SIZE bytes).  Returns its length (a longer one
 * is reported as WIRE_SIZE + 1), 0 at end of file, -1 on error.  With fd
 * non-NULL, *fd is the one fd that came with it (or -1), close-on-exec;
 * any other fds are closed.  With fd NULL, fds are discarded by the
 * kernel and the record counts as malformed (WIRE_SIZE + 1). */
ssize_t wire_recv(int sock, unsigned char *m, int *fd);
/* The same, but never waits (MSG_DONTWAIT, whatever sock's flags): -1
 * with EAGAIN when no record is queued. */
ssize_t wire_recv_nowait(int sock, unsigned char *m, int *fd);

/* Answers (the binder, and userd's relay to its clients).  The requests
 * that wait for them are the user side's: userd/lib/wireclient.h. */

/* binder side: answers request id on chan; fd is sent when status is 0.
 * Never blocks: a full channel fails with EAGAIN. */
int wire_bind_answer(int chan, uint32_t id, int status, int fd);

/* binder side: a filled-in answer (id, index, total, grant); never blocks. */
int wire_grants_answer(int chan, const struct wire_grants_ans *a);

#endif

#include "wireclient.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int wire_timeout(int sock, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
		return -1;
	return 0;
}

static int send_request(int chan, const unsigned char *m)
{
	if (wire_send(chan, m, -1) == 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		errno = ETIMEDOUT;
	return -1;
}

/* The answer to request id into m: an answer to another id is a late one
 * to a request that timed out (its socket is closed).  Returns the
 * record's length, 0 at end of file, or -1 (ETIMEDOUT when the socket's
 * receive timeout passed). */
static ssize_t recv_answer(int chan, unsigned char *m, int *fd, uint32_t id)
{
	ssize_t n;

	for (;;) {
		n = wire_recv(chan, m, fd);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			errno = ETIMEDOUT;
		if (n != WIRE_SIZE || wire_type(m, (size_t)n) < 0 || wire_id(m) == id)
			return n;
		if (fd && *fd >= 0)
			close(*fd);
	}
}

int wire_bind_request(int chan, const struct wire_bind_req *r)
{
	unsigned char m[WIRE_SIZE];
	struct wire_bind_ans a;
	ssize_t n;
	int fd;

	if (wire_encode_bind_req(m, r) < 0 || send_request(chan, m) < 0)
		return -1;
	n = recv_answer(chan, m, &fd, r->id);
	if (n < 0)
		return -1;
	if (wire_decode_bind_ans(m, (size_t)n, &a) < 0 || (a.status == 0) != (fd >= 0)) {
		if (fd >= 0)
			close(fd);
		errno = n == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	if (a.status) {
		errno = a.status;
		return -1;
	}
	return fd;
}

int wire_grants_request(int chan, uint32_t id, uint16_t index, struct wire_grants_ans *a)
{
	struct wire_grants_req r = { .id = id, .index = index };
	unsigned char m[WIRE_SIZE];
	ssize_t n;

	if (wire_encode_grants_req(m, &r) < 0 || send_request(chan, m) < 0)
		return -1;
	n = recv_answer(chan, m, NULL, id);
	if (n < 0)
		return -1;
	if (wire_decode_grants_ans(m, (size_t)n, a) < 0 || a->index != index) {
		errno = n == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	return 0;
}

int wire_bindfd_request(int chan, const struct wire_bind_req *r, int sock)
{
	unsigned char m[WIRE_SIZE];
	struct wire_bind_ans a;
	ssize_t n;
	int fd;

	if (wire_encode_bindfd_req(m, r) < 0)
		return -1;
	if (wire_send(chan, m, sock) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			errno = ETIMEDOUT;
		return -1;
	}
	n = recv_answer(chan, m, &fd, r->id);
	if (n < 0)
		return -1;
	if (fd >= 0)
		close(fd);
	if (wire_decode_bind_ans(m, (size_t)n, &a) < 0 || fd >= 0) {
		errno = n == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	errno = a.status;
	return a.status ? -1 : 0;
}

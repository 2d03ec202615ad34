/* wire_layout: where each field of each wire message lies (docs/protocol.md).
 *
 * One table per message type drives its encoder, its decoder and the check
 * that every byte outside its fields is 0; tests/unit/test_wire.c holds
 * docs/protocol.md's tables against them.  Internal to common/wire.c and
 * its unit test: everything else uses wire.h. */
#ifndef WARD_WIRE_LAYOUT_H
#define WARD_WIRE_LAYOUT_H

#include <stddef.h>

/* How a field maps to its member of the message's struct (wire.h). */
enum wire_kind {
	WIRE_K_HEADER,   /* version, type: no member; header() writes them */
	WIRE_K_REFUSED,  /* reserved, no member; set is refused by name (EOPNOTSUPP) */
	WIRE_K_INT,      /* int, in 1 or 4 bytes */
	WIRE_K_U16,      /* uint16_t, in 2 bytes */
	WIRE_K_U32,      /* uint32_t, in 4 bytes */
	WIRE_K_FAMILY,   /* int AF_INET/AF_INET6/0, as 4/6/0 in 1 byte */
	WIRE_K_BYTES,    /* unsigned char[size], as is */
};

struct wire_field {
	const char *name;        /* as in docs/protocol.md's tables */
	unsigned char off, size; /* bytes, little-endian for integers */
	unsigned char kind;      /* enum wire_kind */
	unsigned short member;   /* offsetof its member in the struct */
};

/* The fields of a message type, by offset, header included; *n is their
 * number.  NULL for a type that is not one of enum wire_type. */
const struct wire_field *wire_layout(int type, size_t *n);

#endif

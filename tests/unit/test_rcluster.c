/*
 * Unit tests for rcluster's pure parts: the CRC16 key hash, hash-tagged
 * key slots (values checked against redis-server's CLUSTER KEYSLOT) and
 * the parsing of MOVED and ASK error replies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rcluster.h"

static unsigned
slot(const char *key)
{
	return rcluster_key_slot(key, strlen(key));
}

static void
test_crc16_known_value(void **state)
{
	(void)state;
	/* The check value of CRC16-CCITT (XModem), as in the cluster spec. */
	assert_int_equal(rcluster_crc16("123456789", 9), 0x31C3);
	assert_int_equal(rcluster_crc16("", 0), 0);
	assert_int_equal(slot("123456789"), 0x31C3 & 16383);
}

static void
test_key_slot_plain(void **state)
{
	(void)state;
	assert_int_equal(slot("foo"), 12182);
	assert_int_equal(slot("bar"), 5061);
	assert_int_equal(slot("hello"), 866);
	assert_int_equal(slot(""), 0);
}

static void
test_key_slot_hash_tags(void **state)
{
	(void)state;
	assert_int_equal(slot("{user1000}.following"), slot("user1000"));
	assert_int_equal(slot("{user1000}.following"), 3443);
	/* The first {...} counts; an empty one makes the whole key count. */
	assert_int_equal(slot("foo{bar}{zap}"), slot("bar"));
	assert_int_equal(slot("foo{}{bar}"), 8363);
	assert_int_equal(slot("foo{{bar}}zap"), 4015);
	assert_int_equal(slot("foo{{bar}}zap"), slot("{bar"));
	/* No closing brace: the whole key. */
	assert_int_equal(slot("a{bc"), rcluster_crc16("a{bc", 4) & 16383);
	/* The store's claim keys: every key of a claim in one slot. */
	assert_int_equal(slot("{cw:k:north-korea/killed/troops}:cur"), 461);
	assert_int_equal(slot("{cw:k:north-korea/killed/troops}:cur"),
	    slot("{cw:k:north-korea/killed/troops}:done"));
	/* Only len bytes are read. */
	assert_int_equal(rcluster_key_slot("foo{bar}", 3), 12182);
}

static void
test_parse_moved_and_ask(void **state)
{
	char		 host[64];
	unsigned	 s = 0;
	int		 port = 0;

	(void)state;
	assert_int_equal(rcluster_parse_redirect("MOVED 3999 127.0.0.1:6381",
	    &s, host, sizeof(host), &port), RCLUSTER_MOVED);
	assert_int_equal(s, 3999);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 6381);
	assert_int_equal(rcluster_parse_redirect("ASK 16383 node-b:7002",
	    &s, host, sizeof(host), &port), RCLUSTER_ASK);
	assert_int_equal(s, 16383);
	assert_string_equal(host, "node-b");
	assert_int_equal(port, 7002);
	/* An empty host: the node that answered (left to the caller). */
	assert_int_equal(rcluster_parse_redirect("MOVED 0 :7000", &s, host,
	    sizeof(host), &port), RCLUSTER_MOVED);
	assert_string_equal(host, "");
	assert_int_equal(port, 7000);
	assert_int_equal(rcluster_parse_redirect("MOVED 12 [::1]:7001", &s,
	    host, sizeof(host), &port), RCLUSTER_MOVED);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 7001);
}

static void
test_parse_rejects_others(void **state)
{
	static const char *const bad[] = {
		"ERR unknown command", "MOVED", "MOVED 16384 h:1",
		"MOVED -1 h:1", "MOVED 12 h", "MOVED 12 h:0", "MOVED 12 h:65536",
		"ASK x h:1", "MOVED 12  h:1", "MOVED12 h:1", "TRYAGAIN x",
		"MOVED 12 h:1x",
	};
	char		 host[8];
	unsigned	 s;
	int		 port;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rcluster_parse_redirect(bad[i], &s, host,
		    sizeof(host), &port), RCLUSTER_NONE);
	/* A host longer than the buffer is refused, not cut. */
	assert_int_equal(rcluster_parse_redirect("MOVED 1 a-long-host:1", &s,
	    host, sizeof(host), &port), RCLUSTER_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc16_known_value),
		cmocka_unit_test(test_key_slot_plain),
		cmocka_unit_test(test_key_slot_hash_tags),
		cmocka_unit_test(test_parse_moved_and_ask),
		cmocka_unit_test(test_parse_rejects_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

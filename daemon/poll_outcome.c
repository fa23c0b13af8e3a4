/*
 * poll_outcome: the policy of a poll as pure functions, so that each HTTP
 * status, fetch error and parse result has one answer that a table test
 * can check: what a response means (poll_outcome), whether its body is
 * read at all (poll_body_wanted), and what the scheduler and the counters
 * make of it.
 */
#include <stdbool.h>

#include "ctx.h"
#include "feed.h"
#include "poll.h"
#include "poll_int.h"
#include "scheduler.h"

bool
poll_body_wanted(int status, bool complete)
{
	return complete && status >= 200 && status <= 299;
}

enum poll_outcome
poll_outcome(int status, bool complete, enum feed_parse parse)
{
	if (!complete)
		return POLL_OUTCOME_FETCH_ERROR;
	if (status == 304)
		return POLL_OUTCOME_NOT_MODIFIED;
	if (status == 410)
		return POLL_OUTCOME_GONE;
	/* The server says when; Retry-After, if any, is taken. */
	if (status == 429 || status == 503)
		return POLL_OUTCOME_RETRY_LATER;
	if (!poll_body_wanted(status, complete))
		return POLL_OUTCOME_HTTP_ERROR;
	if (parse == FEED_PARSE_FAILED)
		return POLL_OUTCOME_PARSE_ERROR;
	/*
	 * A document that is not well-formed XML may have lost the end of an
	 * item, and a figure cut in half ("14.0" of "14.000") is a false
	 * alarm: skip it whole.  Recoverable faults (undeclared HTML
	 * entities, a wrong charset label) are only noted.
	 */
	if (parse == FEED_PARSE_MALFORMED)
		return POLL_OUTCOME_SKIPPED;
	return POLL_OUTCOME_FEED;
}

enum scheduler_outcome
poll_outcome_schedule(enum poll_outcome o)
{
	switch (o) {
	case POLL_OUTCOME_FEED:
		return SCHEDULER_OK;
	case POLL_OUTCOME_NOT_MODIFIED:
		return SCHEDULER_NOT_MODIFIED;
	case POLL_OUTCOME_GONE:
		return SCHEDULER_GONE;
	default:
		return SCHEDULER_ERROR;
	}
}

enum ctx_result
poll_outcome_result(enum poll_outcome o)
{
	switch (poll_outcome_schedule(o)) {
	case SCHEDULER_OK:
		return CTX_RESULT_OK;
	case SCHEDULER_NOT_MODIFIED:
		return CTX_RESULT_NOT_MODIFIED;
	case SCHEDULER_GONE:
		return CTX_RESULT_GONE;
	default:
		return CTX_RESULT_ERROR;
	}
}

bool
poll_outcome_is_parse_error(enum poll_outcome o)
{
	return o == POLL_OUTCOME_PARSE_ERROR || o == POLL_OUTCOME_SKIPPED;
}

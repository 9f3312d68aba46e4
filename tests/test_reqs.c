/*
 * test_reqs.c - unit test of the table of unanswered SMB2 requests
 * (dissect/smb2_reqs.c): random requests and answers over a few hundred
 * keys, some sharing a home slot, against a plain model: live() finds
 * exactly the unanswered request of a key (answers delete with backward
 * shifts, their records reused), each() visits exactly the unanswered
 * ones, and the pool stays the size of what is outstanding; the cache of
 * answered requests (done) finds the last answer of a key until a new
 * request of that key, exactly the last SMB2_DONE answers. Standalone:
 * exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>

#include "smb2.h"

enum { K = 300, STEPS = 200000 };

/* Key k: every 7th shares its low bits with others (probe clusters). */
static uint64_t key_of(int k)
{
	uint64_t key = k % 7 ? (uint64_t)k << 16 | 7 : (uint64_t)(k % 3) << 40 | 1;
	return key * 2654435761u + (uint64_t)k;
}

struct seen {
	int n;
	int bad;
	const uint32_t *tag; /* by key index: the live record's tag, 0 none */
};

static void visit(void *ctx, struct smb2_live *q)
{
	struct seen *s = ctx;
	int k = (int)(q->r.rsp_frame); /* the key index, kept there by the test */

	s->n++;
	if (k < 0 || k >= K || s->tag[k] != q->r.req_frame || q->key != key_of(k))
		s->bad++;
}

int main(void)
{
	struct smb2_reqs r = { 0 };
	uint32_t tag[K] = { 0 };
	int nlive = 0, most = 0;

	srand(1);
	for (int step = 1; step <= STEPS; step++) {
		int k = rand() % K;
		struct smb2_live *q = smb2_reqs_live(&r, key_of(k));
		if ((q != NULL) != (tag[k] != 0) || (q && q->r.req_frame != tag[k])) {
			printf("FAIL live() of key %d at step %d\n", k, step);
			return 1;
		}
		if (rand() % 2) {
			if (q) /* a request replaced: the caller takes it out first */
				smb2_reqs_answered(&r, key_of(k)), nlive--;
			q = smb2_reqs_new(&r, key_of(k));
			q->r.req_frame = tag[k] = (uint32_t)step;
			q->r.rsp_frame = (uint32_t)k;
			nlive++;
		} else if (tag[k]) {
			smb2_reqs_answered(&r, key_of(k));
			tag[k] = 0;
			nlive--;
		}
		if (nlive > most)
			most = nlive;
	}
	printf("ok   live() over %d steps\n", STEPS);
	struct seen s = { 0, 0, tag };
	smb2_reqs_each(&r, visit, &s);
	if (s.n != nlive || s.bad) {
		printf("FAIL each(): %d visited, %d live, %d wrong\n", s.n, nlive, s.bad);
		return 1;
	}
	printf("ok   each() visits the %d unanswered requests\n", nlive);
	if (r.n > (size_t)most) {
		printf("FAIL pool of %zu records for at most %d outstanding\n", r.n, most);
		return 1;
	}
	printf("ok   pool of %zu records (at most %d outstanding)\n", r.n, most);
	/* Answered requests: each key's last answer until the next answer of it. */
	for (int k = 0; k < 8; k++) {
		struct smb2_live *q = smb2_reqs_new(&r, key_of(1000 + k));
		q->req_pdu = (uint32_t)(500 + k);
		q->r.cmd = (uint16_t)k;
		smb2_reqs_done(&r, q);
		smb2_reqs_answered(&r, key_of(1000 + k));
	}
	for (int k = 0; k < 8; k++) {
		const struct smb2_done *a = smb2_reqs_done_get(&r, key_of(1000 + k));
		if (!a || a->req_pdu != (uint32_t)(500 + k) || a->cmd != k) {
			printf("FAIL done_get() of answered key %d\n", k);
			return 1;
		}
	}
	/* A new request of a key shadows its answer (callers ask live()
	 * first) until its own answer replaces it: one record of the key. */
	struct smb2_live *nq = smb2_reqs_new(&r, key_of(1003));
	nq->req_pdu = 900;
	nq->r.cmd = 3;
	const struct smb2_done *old = smb2_reqs_done_get(&r, key_of(1003));
	if (!old || old->req_pdu != 503 || !smb2_reqs_done_get(&r, key_of(1004)) ||
	    smb2_reqs_done_get(&r, key_of(2000))) {
		printf("FAIL done_get() while a new request of the key is live, or of a key never answered\n");
		return 1;
	}
	smb2_reqs_done(&r, nq);
	smb2_reqs_answered(&r, key_of(1003));
	const struct smb2_done *now = smb2_reqs_done_get(&r, key_of(1003));
	if (!now || now->req_pdu != 900 || old->used) {
		printf("FAIL done_get() after the new request's answer: the old answer still counts\n");
		return 1;
	}
	/* The window: exactly the last SMB2_DONE answers, in fixed memory. */
	enum { M = 100000 };
	size_t mem = 0;
	for (int k = 0; k < M; k++) {
		struct smb2_live q = { .key = key_of(3000 + k), .req_pdu = (uint32_t)k };
		smb2_reqs_done(&r, &q);
		if (k == (int)SMB2_DONE - 1)
			mem = smb2_reqs_mem(&r);
	}
	if (smb2_reqs_mem(&r) != mem) {
		printf("FAIL done(): %zu bytes after %d answers, %zu after %u\n",
		       smb2_reqs_mem(&r), M, mem, SMB2_DONE);
		return 1;
	}
	for (int k = 0; k < M; k++) {
		const struct smb2_done *a = smb2_reqs_done_get(&r, key_of(3000 + k));
		bool want = k >= M - (int)SMB2_DONE;
		if (want != (a != NULL) || (a && a->req_pdu != (uint32_t)k)) {
			printf("FAIL done_get() of answer %d of %d: %s\n", k, M,
			       a ? "found" : "not found");
			return 1;
		}
	}
	printf("ok   done() keeps each key's last answer, the last %u answers\n", SMB2_DONE);
	smb2_reqs_free(&r);
	return 0;
}

/*
 * fuzz_common.h - shared by the libFuzzer targets in fuzz/: dissects every
 * indexed frame of a trace the ways the CLI does (full tree, JSON writer,
 * Info summary only) and checks tree invariants the dissectors promise:
 * bounded depth and node count. A broken invariant aborts, so libFuzzer
 * reports it as a crash with the input that caused it.
 *
 * Harness code only: the static sink below is the fuzzer's, not smbcmp's.
 */
#ifndef SMBCMP_FUZZ_COMMON_H
#define SMBCMP_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "trace.h"
#include "output.h"

/* Deepest tree any dissector may build (see fuzz/README.md). */
#define FUZZ_MAX_TREE_DEPTH 64

static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return sink;
}

/* Iterative walk: checks depth (at most max_depth) and counts nodes. */
static inline void fuzz_check_tree_depth(const struct node *root, uint32_t max_nodes,
					 unsigned max_depth)
{
	const struct node *n = root->child;
	unsigned depth = 1;
	size_t count = 0;

	while (n) {
		count++;
		if (depth > max_depth) {
			fprintf(stderr, "fuzz: tree deeper than %u\n", max_depth);
			abort();
		}
		if (!n->label) {
			fprintf(stderr, "fuzz: node without label\n");
			abort();
		}
		if (n->child) {
			n = n->child;
			depth++;
			continue;
		}
		while (n && !n->next) {
			n = n->parent;
			depth--;
			if (n == root || depth == 0)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	/* +1: the "[Node limit reached]" note itself. */
	if (max_nodes && count > (size_t)max_nodes + 1) {
		fprintf(stderr, "fuzz: %zu nodes, limit %u\n", count, max_nodes);
		abort();
	}
}

static inline void fuzz_check_tree(const struct node *root, uint32_t max_nodes)
{
	fuzz_check_tree_depth(root, max_nodes, FUZZ_MAX_TREE_DEPTH);
}

/* What fuzz_dissect_all() does with each frame besides the full tree. */
enum {
	FUZZ_JSON = 1,    /* write the tree as JSON (the writer's code) */
	FUZZ_SUMMARY = 2, /* dissect again, Info summary only (dry mode) */
	FUZZ_FACTS = 4,   /* dissect again in facts mode (operation lists) */
};

/* Dissects every frame: the tree, checked, then what `what` asks. The JSON
 * writer costs a third of a run and the dry pass a tenth: one packet
 * target exercising each is enough (fuzz_pcap, fuzz_frame). */
static inline void fuzz_dissect_all(struct trace *t, uint32_t max_nodes, unsigned what)
{
	struct arena a;
	struct jw w;

	arena_init(&a);
	jw_init(&w, fuzz_sink(), false);
	for (size_t i = 0; i < trace_nframes(t); i++) {
		const char *summary;
		struct node *root = trace_dissect_frame(t, &a, i, &summary);
		fuzz_check_tree(root, max_nodes);
		if (what & FUZZ_JSON) {
			jw_obj(&w);
			jw_key(&w, "summary");
			jw_str(&w, summary);
			jw_key(&w, "tree");
			jw_arr(&w);
			for (const struct node *c = root->child; c; c = c->next)
				out_json_node(&w, c);
			jw_arr_end(&w);
			jw_obj_end(&w);
			jw_line(&w);
		}
		arena_reset(&a);
		if (what & FUZZ_SUMMARY) {
			(void)trace_summary(t, &a, i);
			arena_reset(&a);
		}
		if (what & FUZZ_FACTS) {
			/* Every other field wanted: both kinds of adder run. */
			static uint8_t want[F_COUNT];
			for (size_t f = 0; !want[0] && f < F_COUNT; f += 2)
				want[f] = 1;
			fuzz_check_tree(trace_dissect_frame_facts(t, &a, i, want), max_nodes);
			arena_reset(&a);
		}
	}
	arena_free(&a);
}

#endif

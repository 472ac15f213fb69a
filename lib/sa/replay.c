/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-line half of the anti-replay window: sizing and set-up when an
 * SA is installed (control lcore), and the verdict names for counters. The
 * per-packet check and update are inline in replay.h.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "lib/sa/replay.h"

static bool
window_valid(uint32_t window)
{
	return window >= REPLAY_WINDOW_MIN && window <= REPLAY_WINDOW_MAX &&
	       rte_is_power_of_2(window);
}

size_t
replay_window_size_bytes(uint32_t window)
{
	if (window == REPLAY_WINDOW_OFF)
		return sizeof(struct replay_window);
	if (!window_valid(window))
		return 0;
	return sizeof(struct replay_window) +
	       (size_t)replay_ring_words(window) * sizeof(uint64_t);
}

int
replay_window_init(struct replay_window *w, uint32_t window, bool esn)
{
	uint32_t words;

	if (window == REPLAY_WINDOW_OFF) {
		if (esn)
			return -EINVAL;
		*w = (struct replay_window){ .size = REPLAY_WINDOW_OFF };
		return 0;
	}
	if (!window_valid(window))
		return -EINVAL;
	words = replay_ring_words(window);
	w->top = 0;
	w->size = window;
	w->mask = words - 1;
	w->esn = esn;
	memset(w->bmp, 0, (size_t)words * sizeof(uint64_t));
	return 0;
}

const char *const replay_verdict_names[REPLAY_VERDICT_MAX] = {
	[REPLAY_OK] = "ok",
	[REPLAY_DUP] = "replay_dup",
	[REPLAY_OLD] = "replay_old",
	[REPLAY_ZERO] = "replay_zero",
	[REPLAY_WRAP] = "replay_wrap",
};

const char *const replay_verdict_help[REPLAY_VERDICT_MAX] = {
	[REPLAY_OK] = "sequence number new to the anti-replay window",
	[REPLAY_DUP] = "sequence number already received (replayed or duplicated in transit)",
	[REPLAY_OLD] = "sequence number left of the anti-replay window (late or replayed)",
	[REPLAY_ZERO] = "sequence number 0: never sent, or a peer that cycled its 32-bit counter without rekeying",
	[REPLAY_WRAP] = "ESN: the 64-bit sequence number would cycle; the peer must rekey",
};

_Static_assert(RTE_DIM(replay_verdict_names) == REPLAY_VERDICT_MAX, "replay_verdict_names");
_Static_assert(RTE_DIM(replay_verdict_help) == REPLAY_VERDICT_MAX, "replay_verdict_help");

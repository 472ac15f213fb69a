/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP anti-replay window of an inbound SA (RFC 4303 §3.4.3), kept as the ring
 * of 64-bit words of RFC 6479, with extended sequence numbers reconstructed as
 * in RFC 4303 Appendix A2. Checked before decrypt, advanced after the ICV
 * verifies, by the one worker lcore that owns the SA.
 */
#ifndef ESPGW_SA_REPLAY_H
#define ESPGW_SA_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

/* Window sizes, in packets; a power of two in [MIN, MAX], fixed per SA,
 * or REPLAY_WINDOW_OFF. */
enum {
	REPLAY_WINDOW_OFF = 0,      /* anti-replay disabled (RFC 4303 §3.4.3:
	                             * the receiver's choice); not with ESN */
	REPLAY_WINDOW_MIN = 64,     /* one bitmap word */
	REPLAY_WINDOW_MAX = 65536,
};

/*
 * What the window says about a sequence number. REPLAY_OK is 0; every other
 * value is a drop reason. Keep replay_verdict_names[] and _help[] in step.
 */
enum replay_verdict {
	REPLAY_OK = 0,  /* may be new: decrypt (check) / recorded (update) */
	REPLAY_DUP,     /* inside the window and already received */
	REPLAY_OLD,     /* left of the window (or before the first number) */
	REPLAY_ZERO,    /* sequence number 0: the counter starts at 1 */
	REPLAY_WRAP,    /* ESN: 64-bit space exhausted, the peer must rekey */
	REPLAY_VERDICT_MAX
};

/**
 * One inbound SA's window. Allocate replay_window_size_bytes(window) bytes
 * (8-byte aligned) with the SA runtime, then replay_window_init().
 *
 * top is the highest sequence number that passed the ICV, as 64 bits with or
 * without ESN; 0 means nothing received yet. Bit (s & 63) of word
 * ((s >> 6) & mask) stands for number s. The ring has mask + 1 words, a power
 * of two of at least window/64 + 1: the word holding top is partly filled, so
 * window bits need one more word (RFC 6479 §2). A slide only zeroes the words
 * that enter the ring; nothing shifts.
 */
struct replay_window {
	uint64_t top;     /* highest authenticated seq, 64 bits; 0: none yet */
	uint32_t size;    /* window W, packets: top - W + 1 .. top are inside;
	                   * 0: anti-replay off, every number passes */
	uint32_t mask;    /* ring words - 1 */
	bool esn;         /* extended sequence numbers negotiated */
	uint64_t bmp[];   /* mask + 1 words */
};

/* Bitmap words for a window of w packets; w must be valid. */
static inline uint32_t
replay_ring_words(uint32_t w)
{
	/* a power of two, so that a word index maps to the ring by a mask */
	return rte_align32pow2(w / 64 + 1);
}

static inline bool
replay_bit_test(const struct replay_window *w, uint64_t s)
{
	return (w->bmp[(s >> 6) & w->mask] >> (s & 63)) & 1;
}

/**
 * Bytes to allocate for a window of @p window packets, 0 if @p window is
 * not a power of two in [REPLAY_WINDOW_MIN, REPLAY_WINDOW_MAX] nor
 * REPLAY_WINDOW_OFF.
 * Control lcore.
 */
size_t replay_window_size_bytes(uint32_t window);

/**
 * Set up an empty window over replay_window_size_bytes(window) bytes at @p w.
 * Called when the SA is installed, before any worker sees it.
 *
 * @return 0, or -EINVAL if @p window is not a power of two in
 *         [REPLAY_WINDOW_MIN, REPLAY_WINDOW_MAX] nor REPLAY_WINDOW_OFF
 *         (which is refused with ESN: the high half of a number is
 *         inferred from the window).
 */
int replay_window_init(struct replay_window *w, uint32_t window, bool esn);

/*
 * The full 64-bit number for a received low half Seql, with ESN (RFC 4303
 * Appendix A2.1 for the two cases, A2.2 for the rule). Tl/Th are the halves
 * of top, Bl = Tl - W + 1 (mod 2^32) the low half of the window bottom.
 *  Case A, Tl >= W - 1: the window lies in one epoch Th. Seql >= Bl is in
 *    epoch Th; Seql < Bl is below the bottom, so the sender has moved on:
 *    epoch Th + 1. Nothing is "old" with ESN: a wrong guess of the high
 *    half fails the ICV, which covers it (RFC 4106 §5 AAD).
 *  Case B, Tl < W - 1: the window spans epochs Th - 1 and Th. Seql >= Bl
 *    falls in the Th - 1 part of the window and is checked against those
 *    bits; Seql < Bl is epoch Th.
 * Equivalently: the unique s = Seql (mod 2^32) in [top - W + 1,
 * top - W + 1 + 2^32). Two ends of the 64-bit space are refused here:
 * epoch -1 (Th = 0 in case B: numbers before the first, which is 1,
 * §3.3.3), and epoch 2^32 (the 64-bit counter must not cycle, §3.3.3).
 * Resynchronisation after 2^32 lost packets (A3) is not done: the ICV
 * keeps failing and the SA is rekeyed.
 */
static inline enum replay_verdict
replay_esn_seq64(const struct replay_window *w, uint32_t seql, uint64_t *s)
{
	uint32_t tl = (uint32_t)w->top;
	uint32_t th = (uint32_t)(w->top >> 32);
	uint32_t bl = tl - w->size + 1;

	if (tl >= w->size - 1) {
		if (seql < bl) {
			if (unlikely(th == UINT32_MAX))
				return REPLAY_WRAP;
			th++;
		}
	} else if (seql >= bl) {
		if (unlikely(th == 0))
			return REPLAY_OLD;
		th--;
	}
	*s = (uint64_t)th << 32 | seql;
	return REPLAY_OK;
}

/* Where a full 64-bit number stands against the window; reads only. */
static inline enum replay_verdict
replay_seq64_test(const struct replay_window *w, uint64_t s)
{
	/* RFC 4303 §3.3.3: the first packet sent carries 1, with or without
	 * ESN. Without ESN, 0 is also what a sender that cycled its 32-bit
	 * counter instead of rekeying sends next. */
	if (unlikely(s == 0))
		return REPLAY_ZERO;
	/* §3.4.3: right of the window is new whatever the distance */
	if (s > w->top)
		return REPLAY_OK;
	/* left edge: top - W + 1 is inside, top - W is outside */
	if (unlikely(w->top - s >= w->size))
		return REPLAY_OLD;
	if (unlikely(replay_bit_test(w, s)))
		return REPLAY_DUP;
	return REPLAY_OK;
}

/**
 * Before decrypt: may the packet carrying low sequence half @p seql be new?
 * Reads only; the window is unchanged whatever the verdict. This is
 * replay_window_check() with the ESN choice as a parameter: an inbound
 * handler chosen per SA passes a constant (STYLE §3: no per-packet switch
 * on SA mode), equal to w->esn.
 *
 * Without ESN the number is @p seql itself: 0 is never valid, and after
 * top 2^32 - 1 the peer must have rekeyed; a sender that cycles anyway shows
 * as REPLAY_ZERO then REPLAY_OLD (RFC 4303 §3.3.3: the counter must not
 * cycle; no wrap is ever accepted). With ESN the high half is reconstructed
 * (replay_esn_seq64 above); low half 0 is valid past the first epoch
 * (0x1_00000000).
 *
 * @param seq64 on REPLAY_OK, the full number: put its high half in the AAD
 *              (RFC 4106 §5, ESN) and pass it to replay_window_update().
 * @return REPLAY_OK, or the drop reason.
 *
 * Thread context: the worker lcore that owns the SA.
 */
static __rte_always_inline enum replay_verdict
replay_window_check_inline(const struct replay_window *w, uint32_t seql,
			   uint64_t *seq64, const bool esn)
{
	enum replay_verdict v;
	uint64_t s = seql;

	if (unlikely(w->size == REPLAY_WINDOW_OFF)) {
		*seq64 = seql;  /* never with ESN: replay_window_init refuses */
		return REPLAY_OK;
	}
	if (esn) {
		v = replay_esn_seq64(w, seql, &s);
		if (unlikely(v != REPLAY_OK))
			return v;
	}
	v = replay_seq64_test(w, s);
	if (likely(v == REPLAY_OK))
		*seq64 = s;
	return v;
}

/** replay_window_check_inline() for the window's own ESN setting. */
static inline enum replay_verdict
replay_window_check(const struct replay_window *w, uint32_t seql,
		    uint64_t *seq64)
{
	return replay_window_check_inline(w, seql, seq64, w->esn);
}

/**
 * After the ICV verified: record @p seq64 (from replay_window_check()) as
 * received, sliding the window if it is the new top. Checks again first:
 * since the check, another packet of the same burst may have taken the same
 * number or moved the window past it. RFC 4303 §3.4.3: the window moves
 * only for packets whose integrity check succeeded.
 *
 * @return REPLAY_OK if recorded; otherwise the drop reason and the window is
 *         unchanged.
 *
 * Thread context: the one worker lcore that owns the SA. Plain stores, no
 * atomics: one writer per SA (DESIGN.md, STYLE §3), and nobody else reads.
 */
static inline enum replay_verdict
replay_window_update(struct replay_window *w, uint64_t seq64)
{
	enum replay_verdict v;

	if (unlikely(w->size == REPLAY_WINDOW_OFF)) {
		if (seq64 > w->top)
			w->top = seq64;     /* for telemetry only */
		return REPLAY_OK;
	}
	v = replay_seq64_test(w, seq64);
	if (unlikely(v != REPLAY_OK))
		return v;
	if (seq64 > w->top) {
		/* RFC 6479 §2: zero the words entering the ring, between the
		 * old top's word (exclusive) and the new one's (inclusive); a
		 * jump of a whole ring or more zeroes it all, so the old bits
		 * are forgotten (they are all left of the new window). */
		uint64_t wt = w->top >> 6;
		uint64_t ws = seq64 >> 6;
		uint64_t n = ws - wt;
		uint64_t i;

		if (n > (uint64_t)w->mask + 1)
			n = (uint64_t)w->mask + 1;
		for (i = 1; i <= n; i++)
			w->bmp[(wt + i) & w->mask] = 0;
		w->top = seq64;
	}
	w->bmp[(seq64 >> 6) & w->mask] |= UINT64_C(1) << (seq64 & 63);
	return REPLAY_OK;
}

/** Counter names, "ok", "replay_dup", ...; index by enum replay_verdict. */
extern const char *const replay_verdict_names[REPLAY_VERDICT_MAX];
/** One line per verdict for operators (telemetry help). */
extern const char *const replay_verdict_help[REPLAY_VERDICT_MAX];

#endif /* ESPGW_SA_REPLAY_H */

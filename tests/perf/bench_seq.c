/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Issue 3: outbound ESP sequence numbers (RFC 4303 §3.3.3) must be unique per
 * SA across all workers. Atomic increment on a shared counter, or pin the SA
 * to one worker and hand its packets over through an rte_ring? Cycles per
 * packet, bursts of ESPGW_MAX_BURST, median of seven ~0.3 s runs, then one
 * checked pass per case that every number 1..N of every SA went out once.
 *
 * Conclusion (2 vCPUs shared with other builds; 3 runs at load ~2, a 4th at
 * load 4.6 doubled every row and pushed handoff to ~190): use per-burst atomic
 * reservation. Group a burst into same-SA runs and take each run's numbers
 * with one __atomic_fetch_add(&sa->seq, n, relaxed) on a counter alone in its
 * cache line: contended on 2 lcores that cost 3.6-3.9 cycles/pkt, about 2
 * cycles over the 1.7-1.8 of a plain ++seq on a pinned SA, while a per-packet
 * atomic costs 13-16 uncontended and contended 39-65 (no better with 1000
 * SAs), and handing a packet to its owner through an rte_ring cost 20-70
 * cycles/pkt on each of the two lcores (noisiest row: ring and packet cache
 * lines cross cores), plus latency. Outbound SAs are chosen by the SPD on
 * inner flows, so RSS cannot put all of an SA's packets on one worker: pinning
 * would send most packets through a handoff, and it only pays off when packets
 * already arrive on the owner. The cost of reservation is order: numbers stay
 * unique (checked: 1..N each once), but packets of one SA from two workers can
 * interleave out of order on the wire; the peer's replay window tolerates that
 * while the reorder distance (about what one worker has reserved but not yet
 * sent: burst, crypto and tx queue depth) stays below the window, and common
 * defaults are small (RFC 4303 suggests 64, strongSwan uses 32). Pinning keeps
 * order. Inbound is unaffected: the replay window keeps one writer per SA.
 *
 * Run (2 lcores, no hugepages; these are also the defaults without args):
 *   bench_seq -l 0,1 --no-huge -m 256 --no-pci --no-shconf --file-prefix=bench_seq
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "lib/util/util.h"
#include "tests/perf/bench.h"

enum {
	BURST = ESPGW_MAX_BURST,
	POOL = 2048,          /* packets per lcore; > RING_SIZE + BURST, so a
			       * packet is never in the ring twice */
	RING_SIZE = 1024,
	MANY_SA = 1000,
	CHECK_EVERY = 16,     /* bursts between clock reads */
	VERIFY_BURSTS = 1 << 14, /* per lcore in the checked pass */
	LOG_SA_SHIFT = 40,    /* log entry: sa << 40 | seq */
};

/* A packet as far as this question goes: its SA, and the ESP seq to write. */
struct pkt {
	uint32_t sa;
	uint32_t pad;
	uint64_t seq;
};

/* The written part of an outbound SA runtime: its own cache line. */
struct sa_rt {
	uint64_t seq;  /* last number given out; the first packet gets 1 */
} __rte_cache_aligned;

enum kind { PLAIN, ATOMIC_PKT, ATOMIC_BURST, HANDOFF };

struct bcase {
	const char *name;
	enum kind kind;
	unsigned int n_sa;
	unsigned int lcores;
	bool touch;  /* handoff: the producer writes each packet before enqueue */
};

struct run;

/* One lcore's part of a run; lc[0] runs on the main lcore. */
struct lc {
	struct run *run;
	unsigned int idx;
	uint64_t *log;           /* checked pass: one entry per packet; else NULL */
	uint64_t pkts, cycles, busy;
	struct pkt *ptrs[POOL];
	struct pkt pool[POOL];
};

struct run {
	const struct bcase *c;
	struct rte_ring *ring;   /* the owner's (lc[1]) handoff ring */
	uint64_t dur;            /* TSC cycles; 0: checked pass of VERIFY_BURSTS */
	uint32_t ready;
	uint32_t prod_done;
	struct sa_rt sa[MANY_SA];
	struct lc lc[2];
};

/* Per run: [0] main figure (handoff: producer), [1] handoff owner,
 * [2] handoff end to end; mpps over all lcores. */
struct res {
	double cyc[3];
	double mpps;
};

static const struct bcase cases[] = {
	{ "1 plain ++seq, SA on its owner", PLAIN, 1, 1, false },
	{ "2 atomic/pkt, uncontended", ATOMIC_PKT, 1, 1, false },
	{ "3 atomic/pkt, contended", ATOMIC_PKT, 1, 2, false },
	{ "4 atomic/burst (+32), contended", ATOMIC_BURST, 1, 2, false },
	{ "5 handoff", HANDOFF, 1, 2, true },
	{ "5 handoff, producer never touches pkt", HANDOFF, 1, 2, false },
	{ "6 plain ++seq (reference)", PLAIN, MANY_SA, 1, false },
	{ "6 atomic/pkt, uncontended", ATOMIC_PKT, MANY_SA, 1, false },
	{ "6 atomic/pkt, contended", ATOMIC_PKT, MANY_SA, 2, false },
};
enum { N_CASES = RTE_DIM(cases) };

/*
 * Give @p n packets their sequence numbers. Called with a constant @p k, so
 * each caller compiles to one loop. ATOMIC_BURST takes a same-SA run, as
 * the worker gets it from grouping (dpdk rte_ipsec_pkt_crypto_group).
 */
static __rte_always_inline void
seq_assign(struct pkt *const *p, unsigned int n, struct sa_rt *sa, const enum kind k)
{
	uint64_t base;
	unsigned int i;

	if (k == ATOMIC_BURST) {
		base = __atomic_fetch_add(&sa[p[0]->sa].seq, n, __ATOMIC_RELAXED);
		for (i = 0; i < n; i++)
			p[i]->seq = base + 1 + i;
	} else if (k == ATOMIC_PKT) {
		for (i = 0; i < n; i++)
			p[i]->seq = __atomic_fetch_add(&sa[p[i]->sa].seq, 1,
						       __ATOMIC_RELAXED) + 1;
	} else {
		for (i = 0; i < n; i++)
			p[i]->seq = ++sa[p[i]->sa].seq;
	}
}

static void log_burst(uint64_t *log, struct pkt *const *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		log[i] = (uint64_t)p[i]->sa << LOG_SA_SHIFT | p[i]->seq;
}

static void start_together(struct run *r)
{
	__atomic_fetch_add(&r->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < r->c->lcores)
		rte_pause();
}

/* Cases 1-4 and 6: every lcore counts its own packets. */
static __rte_always_inline void count_loop(struct lc *l, const enum kind k)
{
	struct run *r = l->run;
	uint64_t t0, now = 0, b = 0;
	unsigned int off = 0;

	start_together(r);
	t0 = rte_rdtsc();
	for (;;) {
		seq_assign(&l->ptrs[off], BURST, r->sa, k);
		if (unlikely(l->log != NULL))
			log_burst(l->log + b * BURST, &l->ptrs[off], BURST);
		off = (off + BURST) % POOL;
		if (++b % CHECK_EVERY == 0) {
			now = rte_rdtsc();
			if (r->dur ? now - t0 >= r->dur : b >= VERIFY_BURSTS)
				break;
		}
	}
	l->pkts = b * BURST;
	l->cycles = l->busy = now - t0;
}

/*
 * Case 5, the worker that received the packets: classify found an SA owned
 * by the other lcore (stands for it: write p->sa, so the packet's line is in
 * this lcore's cache as after a real rx), hand the burst over. Busy cycles
 * leave out retries on a full ring: waiting for the owner is not work.
 */
static void handoff_produce(struct lc *l)
{
	struct run *r = l->run;
	uint64_t t0, t1, now, b = 0, busy = 0;
	unsigned int off = 0, done, n, i;
	struct pkt **p;

	start_together(r);
	t0 = rte_rdtsc();
	for (;;) {
		p = &l->ptrs[off];
		t1 = rte_rdtsc();
		for (i = 0; i < BURST && r->c->touch; i++)
			p[i]->sa = 0;
		done = rte_ring_mp_enqueue_burst(r->ring, (void *const *)p, BURST, NULL);
		now = rte_rdtsc();
		busy += now - t1;
		while (done < BURST) {
			rte_pause();
			t1 = rte_rdtsc();
			n = rte_ring_mp_enqueue_burst(r->ring, (void *const *)(p + done),
						      BURST - done, NULL);
			now = rte_rdtsc();
			if (n != 0)
				busy += now - t1;
			done += n;
		}
		off = (off + BURST) % POOL;
		b++;
		if (r->dur ? now - t0 >= r->dur : b >= VERIFY_BURSTS)
			break;
	}
	__atomic_store_n(&r->prod_done, 1, __ATOMIC_RELEASE);
	l->pkts = b * BURST;
	l->cycles = now - t0;
	l->busy = busy;
}

/* Case 5, the owner: dequeue, plain ++seq. Busy cycles leave out empty polls;
 * cycles run from the common start to the last packet (end to end). */
static void handoff_own(struct lc *l)
{
	struct run *r = l->run;
	struct pkt *p[BURST];
	uint64_t t0, t1, now = 0, busy = 0, pkts = 0;
	unsigned int n;

	start_together(r);
	t0 = rte_rdtsc();
	for (;;) {
		t1 = rte_rdtsc();
		n = rte_ring_sc_dequeue_burst(r->ring, (void **)p, BURST, NULL);
		if (n == 0) {
			if (__atomic_load_n(&r->prod_done, __ATOMIC_ACQUIRE) &&
			    rte_ring_empty(r->ring))
				break;
			rte_pause();
			continue;
		}
		seq_assign(p, n, r->sa, PLAIN);
		if (unlikely(l->log != NULL))
			log_burst(l->log + pkts, p, n);
		pkts += n;
		now = rte_rdtsc();
		busy += now - t1;
	}
	l->pkts = pkts;
	l->cycles = now - t0;
	l->busy = busy;
}

/* SA per packet: 0, or uniform over n_sa with a per-lcore xorshift stream. */
static void pool_fill(struct lc *l, unsigned int n_sa)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * (l->idx + 1);
	unsigned int i;

	for (i = 0; i < POOL; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		l->pool[i] = (struct pkt){ .sa = n_sa > 1 ? (uint32_t)(x % n_sa) : 0 };
		l->ptrs[i] = &l->pool[i];
	}
}

static int lc_main(void *arg)
{
	struct lc *l = arg;
	const struct bcase *c = l->run->c;

	pool_fill(l, c->n_sa);
	switch (c->kind) {
	case PLAIN:
		count_loop(l, PLAIN);
		break;
	case ATOMIC_PKT:
		count_loop(l, ATOMIC_PKT);
		break;
	case ATOMIC_BURST:
		count_loop(l, ATOMIC_BURST);
		break;
	case HANDOFF:
		if (l->idx == 0)
			handoff_produce(l);
		else
			handoff_own(l);
		break;
	}
	return 0;
}

static void run_once(struct run *r, const struct bcase *c, unsigned int worker)
{
	r->c = c;
	r->ready = 0;
	r->prod_done = 0;
	memset(r->sa, 0, sizeof(r->sa));
	if (c->lcores > 1 && rte_eal_remote_launch(lc_main, &r->lc[1], worker) != 0) {
		fprintf(stderr, "remote launch on lcore %u failed\n", worker);
		exit(1);
	}
	lc_main(&r->lc[0]);
	if (c->lcores > 1)
		rte_eal_wait_lcore(worker);
}

static struct res result(const struct run *r, double hz)
{
	const struct lc *l = r->lc;
	struct res s = { { 0 }, 0 };
	unsigned int i;

	if (r->c->kind == HANDOFF) {
		s.cyc[0] = (double)l[0].busy / (double)l[0].pkts;
		s.cyc[1] = (double)l[1].busy / (double)l[1].pkts;
		s.cyc[2] = (double)l[1].cycles / (double)l[1].pkts;
		s.mpps = (double)l[1].pkts / (double)l[1].cycles * hz / 1e6;
		return s;
	}
	for (i = 0; i < r->c->lcores; i++) {
		s.cyc[0] += (double)l[i].cycles / (double)l[i].pkts / r->c->lcores;
		s.mpps += (double)l[i].pkts / (double)l[i].cycles * hz / 1e6;
	}
	return s;
}

/*
 * Every number 1..sa[i].seq of every SA appears exactly once in the logs:
 * each entry is in range and its bit was clear, and there are as many
 * entries as numbers given out.
 */
static bool seq_unique(const struct run *r)
{
	uint64_t first[MANY_SA + 1], total, cnt = 0, e, s, bit, k;
	unsigned int i, id, n_sa = r->c->n_sa;
	uint64_t *bm;
	bool ok = true;

	first[0] = 0;
	for (i = 0; i < n_sa; i++)
		first[i + 1] = first[i] + r->sa[i].seq;
	total = first[n_sa];
	bm = calloc(total / 64 + 1, sizeof(*bm));
	if (bm == NULL)
		return false;
	for (i = 0; i < r->c->lcores && ok; i++) {
		const struct lc *l = &r->lc[i];

		if (l->log == NULL || (r->c->kind == HANDOFF && i == 0))
			continue;
		for (k = 0; k < l->pkts && ok; k++) {
			e = l->log[k];
			id = (unsigned int)(e >> LOG_SA_SHIFT);
			s = e & ((1ULL << LOG_SA_SHIFT) - 1);
			if (id >= n_sa || s == 0 || s > r->sa[id].seq) {
				ok = false;
				break;
			}
			bit = first[id] + s - 1;
			if (bm[bit / 64] & 1ULL << (bit % 64)) {
				ok = false;
				break;
			}
			bm[bit / 64] |= 1ULL << (bit % 64);
			cnt++;
		}
	}
	free(bm);
	return ok && cnt == total;
}

static int res_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, BENCH_RUNS, sizeof(v[0]), res_cmp);
	return v[BENCH_RUNS / 2];
}

static void print_row(const char *name, const struct bcase *c, double cyc, double ref,
		      double mpps, const char *unique)
{
	printf("%-36s %4u %6u %8.2f %7.2f ", name, c->n_sa, c->lcores, cyc, cyc / ref);
	if (mpps < 0)
		printf("%8s  %s\n", "-", unique);
	else
		printf("%8.1f  %s\n", mpps, unique);
}

int main(int argc, char **argv)
{
	static char *def_argv[] = { "bench_seq", "-l", "0,1", "--no-huge", "-m", "256",
				    "--no-pci", "--no-shconf", "--file-prefix=bench_seq", NULL };
	static struct res res[N_CASES][BENCH_RUNS];
	static bool uniq[N_CASES];
	struct run *r;
	unsigned int worker, run, c, j;
	double hz, v[3][BENCH_RUNS], m[3], mpps[BENCH_RUNS], ref1 = 1, refm = 1, ref;
	bool all_ok = true;

	if (argc < 2) {
		argc = (int)RTE_DIM(def_argv) - 1;
		argv = def_argv;
	}
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "needs two lcores: -l 0,1\n");
		return 1;
	}
	r = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN(sizeof(*r), RTE_CACHE_LINE_SIZE));
	if (r == NULL)
		return 1;
	memset(r, 0, sizeof(*r));
	r->ring = rte_ring_create("seq_owner1", RING_SIZE, rte_socket_id(), RING_F_SC_DEQ);
	if (r->ring == NULL) {
		fprintf(stderr, "ring: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (j = 0; j < 2; j++) {
		r->lc[j].run = r;
		r->lc[j].idx = j;
	}
	hz = (double)rte_get_tsc_hz();
	printf("TSC %.0f Hz; lcores %u,%u; bursts of %d; median of %d runs of %.1f s;"
	       " x-plain: cyc/pkt over the plain row with as many SAs\n",
	       hz, rte_get_main_lcore(), worker, BURST, BENCH_RUNS, BENCH_RUN_NS / 1e9);
	fflush(stdout);

	/* the cases take turns, so a busy neighbour slows all alike */
	r->dur = (uint64_t)(BENCH_RUN_NS / 1e9 * hz);
	for (run = 0; run < BENCH_RUNS; run++)
		for (c = 0; c < N_CASES; c++) {
			run_once(r, &cases[c], worker);
			res[c][run] = result(r, hz);
		}

	/* checked pass: same loops with a log, fixed packet count */
	r->dur = 0;
	for (j = 0; j < 2; j++) {
		r->lc[j].log = malloc(sizeof(uint64_t) * VERIFY_BURSTS * BURST);
		if (r->lc[j].log == NULL)
			return 1;
	}
	for (c = 0; c < N_CASES; c++) {
		run_once(r, &cases[c], worker);
		uniq[c] = seq_unique(r);
		all_ok &= uniq[c];
	}

	printf("%-36s %4s %6s %8s %7s %8s  %s\n", "case", "SAs", "lcores", "cyc/pkt",
	       "x-plain", "Mpkt/s", "unique");
	for (c = 0; c < N_CASES; c++) {
		for (j = 0; j < 3; j++) {
			for (run = 0; run < BENCH_RUNS; run++)
				v[j][run] = res[c][run].cyc[j];
			m[j] = median(v[j]);
		}
		for (run = 0; run < BENCH_RUNS; run++)
			mpps[run] = res[c][run].mpps;
		if (cases[c].kind == PLAIN && cases[c].n_sa == 1)
			ref1 = m[0];
		if (cases[c].kind == PLAIN && cases[c].n_sa > 1)
			refm = m[0];
		ref = cases[c].n_sa > 1 ? refm : ref1;
		if (cases[c].kind != HANDOFF) {
			print_row(cases[c].name, &cases[c], m[0], ref, median(mpps),
				  uniq[c] ? "yes" : "no");
			continue;
		}
		printf("%s%s\n", cases[c].name, cases[c].touch ? " (producer writes pkt, as rx did):" :
		       " (pointers only; lower bound):");
		print_row("  producer: mp_enqueue", &cases[c], m[0], ref, -1, "");
		print_row("  owner: sc_dequeue + ++seq", &cases[c], m[1], ref, -1, "");
		print_row("  end to end (owner wall)", &cases[c], m[2], ref, median(mpps),
			  uniq[c] ? "yes" : "no");
	}
	for (j = 0; j < 2; j++)
		free(r->lc[j].log);
	rte_ring_free(r->ring);
	free(r);
	rte_eal_cleanup();
	return all_ok ? 0 : 1;
}

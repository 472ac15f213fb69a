/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD engine "cryptodev": ESP AES-GCM-128/256 (RFC 4106) through the DPDK
 * rte_cryptodev symmetric API, so that crypto_aesni_gcm, crypto_aesni_mb,
 * crypto_openssl or a hardware PMD serves the data path. setup() (control
 * lcore, once) configures one device with a queue pair per worker context;
 * each burst is enqueued on the worker's own queue pair and polled back
 * (synchronous, as aead.h wants it). One device per process: the state
 * below is file-static and written only by setup/teardown/ctx_create/free.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lib/crypto/aead.h"
#include "lib/crypto/aead_priv.h"
#include "lib/util/util.h"

enum {
	BURST = ESPGW_MAX_BURST,
	N_ALG = 2,
	/* AAD length is a session parameter in cryptodev, and so is the
	 * direction: each key gets one session per (direction, ESP AAD) */
	N_DIR = 2,              /* 0 encrypt, 1 decrypt */
	N_AAD = 2,              /* 0: 8 bytes (SPI, seq), 1: 12 (SPI, ESN) */
	ESP_AAD = 8,
	ESP_AAD_ESN = 12,
	/* Sessions: 4 per key, for as many SAs as the configuration allows
	 * (CONF_SA_MAX, lib/conf/conf.h: crypto cannot include conf), plus
	 * room for a rekey overlap and the one-off sessions of the slow path */
	SA_MAX = 8192,
	N_SESS = N_DIR * N_AAD * (SA_MAX + SA_MAX / 4),
	SESS_CACHE = 32,
	/* crypto ops: each context holds at most one burst */
	OP_CACHE = BURST,
	/* Plain-buffer slow path: a jumbo frame's payload plus the tag */
	SCRATCH_ROOM = 9216 + AEAD_TAG_LEN,
	/* AAD copied into the op for the device (IOVA-reachable); ESP needs
	 * 12, more is for the non-ESP slow path (known-answer tests) */
	AAD_ROOM = 1024,
	QP_DESC = 2 * BURST,
	QP_MAX = RTE_MAX_LCORE,
	/* Hardware PMDs complete asynchronously: polls before the burst is
	 * declared lost (dequeue is a few ns on an empty queue) */
	POLL_MAX = 1u << 24,
};

/* Private area of each crypto op, right after struct rte_crypto_sym_op,
 * the conventional place for the IV (dpdk app/test/test_cryptodev.h) */
struct op_priv {
	void *tmp_sess;         /* slow path: one-off session, freed after */
	uint16_t idx;           /* index of the aead_op in the burst */
	uint8_t iv[AEAD_IV_LEN];
	uint8_t aad[AAD_ROOM];
};

#define PRIV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define IV_OFF (PRIV_OFF + offsetof(struct op_priv, iv))
#define AAD_OFF (PRIV_OFF + offsetof(struct op_priv, aad))

/* ops are cache-aligned mempool objects; the area after the sym op is
 * 8-aligned only (sizeof 16 + 104 in 22.11) */
_Static_assert((sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op)) %
	       _Alignof(struct op_priv) == 0, "op_priv aligned after the sym op");

static inline struct op_priv *op_priv(struct rte_crypto_op *cop)
{
	return rte_crypto_op_ctod_offset(cop, struct op_priv *, PRIV_OFF);
}

/* What key_init leaves in aead_key.data */
struct cdev_key {
	void *sess[N_DIR][N_AAD];
	uint32_t gen;           /* setup() generation the sessions belong to */
	uint8_t raw[AEAD_KEY_MAX]; /* for the slow path's one-off sessions */
};
_Static_assert(sizeof(struct cdev_key) <= AEAD_KEY_DATA_SIZE,
	       "cdev_key fits in aead_key.data");

struct cdev_ctx {
	uint16_t qp;
	uint8_t dev_id;
	uint32_t gen;
	struct rte_mempool *op_pool;
	struct rte_mempool *scratch;    /* plain-buffer slow path */
	struct rte_crypto_op *cop[BURST];
	struct rte_crypto_op *done[BURST];
	struct rte_mbuf *smb[BURST];
};

/* The one device this process drives */
static struct {
	bool up;
	uint8_t dev_id;
	uint16_t n_qp;
	uint32_t gen;           /* bumped by each setup(): stale keys fail */
	bool key_ok[N_ALG];     /* key sizes the device takes */
	struct rte_mempool *sess_pool;
	struct rte_mempool *op_pool;
	bool qp_busy[QP_MAX];
} cdev;

static void pools_free(void)
{
	rte_mempool_free(cdev.op_pool);
	rte_mempool_free(cdev.sess_pool);
	cdev.op_pool = NULL;
	cdev.sess_pool = NULL;
}

/* The GCM capability, or NULL; key sizes found go to cdev.key_ok */
static const struct rte_cryptodev_symmetric_capability *
gcm_capability(uint8_t dev_id)
{
	const struct rte_cryptodev_sym_capability_idx idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};
	const struct rte_cryptodev_symmetric_capability *cap;
	static const uint16_t aad[] = { ESP_AAD, ESP_AAD_ESN };
	unsigned int a, i;

	cap = rte_cryptodev_sym_capability_get(dev_id, &idx);
	if (cap == NULL)
		return NULL;
	for (a = 0; a < N_ALG; a++) {
		cdev.key_ok[a] = true;
		for (i = 0; i < RTE_DIM(aad); i++)
			if (rte_cryptodev_sym_capability_check_aead(cap, a ? 32 : 16,
					AEAD_TAG_LEN, aad[i], AEAD_IV_LEN) != 0)
				cdev.key_ok[a] = false;
	}
	return cdev.key_ok[0] || cdev.key_ok[1] ? cap : NULL;
}

static int cdev_setup(const char *device, unsigned int n_ctx, int socket)
{
	struct rte_cryptodev_info info;
	struct rte_cryptodev_config conf = {
		.ff_disable = RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO |
			      RTE_CRYPTODEV_FF_SECURITY,
	};
	struct rte_cryptodev_qp_conf qconf = { .nb_descriptors = QP_DESC };
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int sess_size, q;
	int dev, rc;

	if (cdev.up) {
		AEAD_LOG(ERR, "cryptodev: already set up on device %u", cdev.dev_id);
		return -EALREADY;
	}
	if (device == NULL || n_ctx == 0)
		return -EINVAL;
	dev = rte_cryptodev_get_dev_id(device);
	if (dev < 0) {
		AEAD_LOG(ERR, "cryptodev: no device %s (%u cryptodevs; a vdev needs "
			 "--vdev %s)", device, rte_cryptodev_count(), device);
		return -ENODEV;
	}
	rte_cryptodev_info_get((uint8_t)dev, &info);
	if (!(info.feature_flags & RTE_CRYPTODEV_FF_SYMMETRIC_CRYPTO) ||
	    gcm_capability((uint8_t)dev) == NULL) {
		AEAD_LOG(ERR, "cryptodev: %s (%s) lacks AES-GCM with a 16-byte tag, "
			 "12-byte IV, 8/12-byte AAD", device, info.driver_name);
		return -ENOTSUP;
	}
	if (n_ctx > info.max_nb_queue_pairs || n_ctx > QP_MAX) {
		AEAD_LOG(ERR, "cryptodev: %s has %u queue pairs, %u contexts wanted",
			 device, info.max_nb_queue_pairs, n_ctx);
		return -ENOSPC;
	}
	if (socket < 0)
		socket = rte_cryptodev_socket_id((uint8_t)dev);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	cdev.dev_id = (uint8_t)dev;

	conf.socket_id = socket;
	conf.nb_queue_pairs = (uint16_t)n_ctx;
	rc = rte_cryptodev_configure(cdev.dev_id, &conf);
	if (rc < 0) {
		AEAD_LOG(ERR, "cryptodev: configure %s: %d", device, rc);
		return rc;
	}
	/* after configure: some PMDs size their sessions by the number of
	 * queue pairs (crypto_openssl keeps an EVP context per queue pair) */
	sess_size = rte_cryptodev_sym_get_private_session_size(cdev.dev_id);
	snprintf(name, sizeof(name), "cdev_sess_%d", dev);
	cdev.sess_pool = rte_cryptodev_sym_session_pool_create(name, N_SESS,
			sess_size, SESS_CACHE, 0, socket);
	snprintf(name, sizeof(name), "cdev_op_%d", dev);
	/* one burst in flight per context, plus what lcore caches may hold */
	cdev.op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
			n_ctx * (BURST + OP_CACHE * 3 / 2) + BURST, OP_CACHE,
			sizeof(struct op_priv), socket);
	if (cdev.sess_pool == NULL || cdev.op_pool == NULL) {
		AEAD_LOG(ERR, "cryptodev: %s: no memory for pools (%s)", device,
			 rte_strerror(rte_errno));
		rc = -ENOMEM;
		goto close;
	}
	qconf.mp_session = cdev.sess_pool;
	for (q = 0; q < n_ctx; q++) {
		rc = rte_cryptodev_queue_pair_setup(cdev.dev_id, (uint16_t)q, &qconf,
						    socket);
		if (rc < 0) {
			AEAD_LOG(ERR, "cryptodev: %s queue pair %u: %d", device, q, rc);
			goto close;
		}
	}
	rc = rte_cryptodev_start(cdev.dev_id);
	if (rc < 0) {
		AEAD_LOG(ERR, "cryptodev: start %s: %d", device, rc);
		goto close;
	}
	cdev.n_qp = (uint16_t)n_ctx;
	memset(cdev.qp_busy, 0, sizeof(cdev.qp_busy));
	cdev.gen++;
	cdev.up = true;
	AEAD_LOG(INFO, "cryptodev: %s (%s), %u queue pairs, socket %d, "
		 "AES-GCM-128 %s, -256 %s", device, info.driver_name, n_ctx, socket,
		 cdev.key_ok[0] ? "yes" : "no", cdev.key_ok[1] ? "yes" : "no");
	return 0;
close:
	rte_cryptodev_close(cdev.dev_id);
	pools_free();
	return rc < 0 ? rc : -EIO;
}

static void cdev_teardown(void)
{
	unsigned int q;

	if (!cdev.up)
		return;
	for (q = 0; q < cdev.n_qp; q++)
		if (cdev.qp_busy[q])
			AEAD_LOG(WARNING, "cryptodev: teardown with queue pair %u in use", q);
	/* Keys should all be wiped by now. Sessions still held go with their
	 * pool, and key_free will see the generation changed and leave them
	 * alone, but what a PMD allocated for them outside the pool leaks
	 * (crypto_openssl: its EVP contexts). */
	if (rte_mempool_avail_count(cdev.sess_pool) != cdev.sess_pool->size)
		AEAD_LOG(WARNING, "cryptodev: teardown with %u sessions still held by keys",
			 cdev.sess_pool->size - rte_mempool_avail_count(cdev.sess_pool));
	rte_cryptodev_stop(cdev.dev_id);
	rte_cryptodev_close(cdev.dev_id);
	pools_free();
	cdev.up = false;
	cdev.n_qp = 0;
}

static void cdev_ctx_free(void *ctx)
{
	struct cdev_ctx *c = ctx;

	if (c == NULL)
		return;
	if (cdev.up && c->gen == cdev.gen)
		cdev.qp_busy[c->qp] = false;
	rte_mempool_free(c->scratch);
	aead_ctx_mem_free(c);
}

static void *cdev_ctx_create(int socket)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct cdev_ctx *c;
	uint16_t q;

	if (!cdev.up) {
		AEAD_LOG(ERR, "cryptodev: ctx_create before setup");
		rte_errno = ENODEV;
		return NULL;
	}
	for (q = 0; q < cdev.n_qp && cdev.qp_busy[q]; q++)
		;
	if (q == cdev.n_qp) {
		AEAD_LOG(ERR, "cryptodev: all %u queue pairs taken", cdev.n_qp);
		rte_errno = ENOSPC;
		return NULL;
	}
	c = aead_ctx_mem_alloc(sizeof(*c), socket);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	c->qp = q;
	c->dev_id = cdev.dev_id;
	c->gen = cdev.gen;
	c->op_pool = cdev.op_pool;
	snprintf(name, sizeof(name), "cdev_scr_%u_%u", cdev.dev_id, q);
	c->scratch = rte_pktmbuf_pool_create(name, BURST, 0, 0,
					     RTE_PKTMBUF_HEADROOM + SCRATCH_ROOM,
					     socket < 0 ? SOCKET_ID_ANY : socket);
	if (c->scratch == NULL) {
		AEAD_LOG(ERR, "cryptodev: scratch pool %s: %s", name,
			 rte_strerror(rte_errno));
		aead_ctx_mem_free(c);
		rte_errno = ENOMEM;
		return NULL;
	}
	cdev.qp_busy[q] = true;
	return c;
}

static void *sess_make(const uint8_t *key, uint32_t key_len, bool enc,
		       uint16_t aad_len)
{
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.aead = {
			.op = enc ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT,
			.algo = RTE_CRYPTO_AEAD_AES_GCM,
			.key = { .data = key, .length = (uint16_t)key_len },
			.iv = { .offset = IV_OFF, .length = AEAD_IV_LEN },
			.digest_length = AEAD_TAG_LEN,
			.aad_length = aad_len,
		},
	};

	return rte_cryptodev_sym_session_create(cdev.dev_id, &x, cdev.sess_pool);
}

static void cdev_key_free(struct aead_key *k)
{
	struct cdev_key *ck = (struct cdev_key *)k->data;
	unsigned int d, a;

	/* sessions of an earlier setup() went with its pool */
	if (!cdev.up || ck->gen != cdev.gen)
		return;
	for (d = 0; d < N_DIR; d++)
		for (a = 0; a < N_AAD; a++) {
			if (ck->sess[d][a] != NULL)
				rte_cryptodev_sym_session_free(cdev.dev_id, ck->sess[d][a]);
			ck->sess[d][a] = NULL;
		}
}

static int cdev_key_init(void *ctx, struct aead_key *k, enum aead_alg alg,
			 const uint8_t *key, uint32_t key_len)
{
	static const uint16_t aad[N_AAD] = { ESP_AAD, ESP_AAD_ESN };
	struct cdev_key *ck = (struct cdev_key *)k->data;
	unsigned int d, a;
	int rc = aead_key_len_check(alg, key_len);

	if (rc != 0)
		return rc;
	if (!cdev.up)
		return -ENODEV;
	if (!cdev.key_ok[alg - 1])
		return -ENOTSUP;
	explicit_bzero(k, sizeof(*k));
	ck->gen = cdev.gen;
	for (d = 0; d < N_DIR; d++)
		for (a = 0; a < N_AAD; a++) {
			ck->sess[d][a] = sess_make(key, key_len, d == 0, aad[a]);
			if (ck->sess[d][a] == NULL) {
				AEAD_LOG(ERR, "cryptodev: session: %s",
					 rte_strerror(rte_errno));
				cdev_key_free(k);
				explicit_bzero(k, sizeof(*k));
				return -ENOMEM;
			}
		}
	memcpy(ck->raw, key, key_len);
	k->alg = alg;
	k->key_len = key_len;
	return 0;
}

/*
 * Fill cop for ops[i]: the session for its AAD length (or a one-off one),
 * IV and AAD into the op's private area, the data where it lies. false:
 * the op cannot go to the device (stale or wiped key, bad geometry, no
 * scratch); its verdict is then false.
 */
static inline bool op_build(struct cdev_ctx *c, struct rte_crypto_op *cop,
			    const struct aead_op *op, uint16_t i, bool enc,
			    struct rte_mbuf **smb)
{
	const struct cdev_key *ck = (const struct cdev_key *)op->key->data;
	struct rte_crypto_sym_op *sym = cop->sym;
	struct op_priv *p = op_priv(cop);
	struct rte_mbuf *m = op->mb;
	void *sess;
	uint8_t *base;

	p->idx = i;
	p->tmp_sess = NULL;
	if (unlikely((unsigned int)op->key->alg - 1u >= N_ALG || ck->gen != c->gen))
		return false;
	if (likely(op->aad_len == ESP_AAD))
		sess = ck->sess[!enc][0];
	else if (likely(op->aad_len == ESP_AAD_ESN))
		sess = ck->sess[!enc][1];
	else {
		/* Not ESP (known-answer tests): a session for this AAD
		 * length, from the pool, freed when the burst is back */
		if (op->aad_len > AAD_ROOM)
			return false;
		sess = sess_make(ck->raw, op->key->key_len, enc,
				 (uint16_t)op->aad_len);
		if (sess == NULL)
			return false;
		p->tmp_sess = sess;
	}
	memcpy(p->iv, op->iv, AEAD_IV_LEN);
	if (op->aad_len > 0)
		memcpy(p->aad, op->aad, op->aad_len);
	rte_crypto_op_attach_sym_session(cop, sess);
	sym->aead.data.length = op->len;
	sym->aead.aad.data = p->aad;
	sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(cop, AAD_OFF);

	if (likely(m != NULL)) {
		/* fast path: data and tag inside one segment of the packet */
		base = rte_pktmbuf_mtod(m, uint8_t *);
		if (unlikely(m->nb_segs != 1 || op->data < base || op->tag < base ||
			     (size_t)(op->data - base) + op->len > m->data_len ||
			     (size_t)(op->tag - base) + AEAD_TAG_LEN > m->data_len))
			return false;
		sym->m_src = m;
		sym->aead.data.offset = (uint32_t)(op->data - base);
		sym->aead.digest.data = op->tag;
		sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m, op->tag - base);
		return true;
	}
	/* Slow path for plain buffers (tests, benchmarks): copy data and tag
	 * into a scratch mbuf the device can reach, copy results back */
	if (unlikely(op->len > SCRATCH_ROOM - AEAD_TAG_LEN ||
		     rte_pktmbuf_alloc_bulk(c->scratch, smb, 1) != 0))
		return false;
	base = (uint8_t *)rte_pktmbuf_append(*smb, (uint16_t)(op->len + AEAD_TAG_LEN));
	if (op->len > 0)
		memcpy(base, op->data, op->len);
	if (!enc)
		memcpy(base + op->len, op->tag, AEAD_TAG_LEN);
	sym->m_src = *smb;
	sym->aead.data.offset = 0;
	sym->aead.digest.data = base + op->len;
	sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(*smb, op->len);
	return true;
}

static inline void op_release(struct cdev_ctx *c, struct rte_crypto_op *cop)
{
	struct op_priv *p = op_priv(cop);

	if (p->tmp_sess != NULL)
		rte_cryptodev_sym_session_free(c->dev_id, p->tmp_sess);
	p->tmp_sess = NULL;
	rte_pktmbuf_free(c->smb[p->idx]);
	c->smb[p->idx] = NULL;
}

/* One chunk of at most BURST ops through the queue pair. */
static uint16_t chunk(struct cdev_ctx *c, struct aead_op ops[], uint16_t n,
		      bool ok[], bool enc)
{
	uint16_t i, m = 0, sent, back = 0, good = 0, j;
	uint32_t polls = 0;

	for (i = 0; i < n; i++) {
		ok[i] = false;
		c->smb[i] = NULL;
	}
	if (unlikely(rte_crypto_op_bulk_alloc(c->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					      c->cop, n) == 0))
		return 0;
	for (i = 0; i < n; i++) {
		if (likely(op_build(c, c->cop[m], &ops[i], i, enc, &c->smb[i])))
			m++;
		else
			op_release(c, c->cop[m]); /* the op is reused for the next */
	}
	sent = rte_cryptodev_enqueue_burst(c->dev_id, c->qp, c->cop, m);
	/* SW PMDs complete within the call; hardware takes its time */
	while (back < sent && polls++ < POLL_MAX)
		back += rte_cryptodev_dequeue_burst(c->dev_id, c->qp, c->done + back,
						    (uint16_t)(sent - back));
	for (j = 0; j < back; j++) {
		struct rte_crypto_op *cop = c->done[j];
		const struct aead_op *op;
		const uint8_t *s;

		/* the device may reorder: the index travels in the op */
		i = op_priv(cop)->idx;
		op = &ops[i];
		ok[i] = cop->status == RTE_CRYPTO_OP_STATUS_SUCCESS;
		if (c->smb[i] != NULL) {
			s = rte_pktmbuf_mtod(c->smb[i], const uint8_t *);
			/* decrypt in place: the data is replaced even when the
			 * tag fails, as with the other engines */
			if (op->len > 0)
				memcpy(op->data, s, op->len);
			if (enc)
				memcpy(op->tag, s + op->len, AEAD_TAG_LEN);
		}
		op_release(c, cop);
		good += ok[i];
	}
	/* built but refused by a full queue: never seen by the device */
	for (j = sent; j < m; j++)
		op_release(c, c->cop[j]);
	rte_mempool_put_bulk(c->op_pool, (void **)c->done, back);
	rte_mempool_put_bulk(c->op_pool, (void **)c->cop + sent, n - sent);
	if (unlikely(back < sent))
		/* the device still owns those ops and their scratch mbufs:
		 * leaking them beats freeing memory it may yet write */
		AEAD_LOG(ERR, "cryptodev: queue pair %u: %u of %u ops never came back",
			 c->qp, sent - back, sent);
	return good;
}

static inline uint16_t cdev_burst(void *ctx, struct aead_op ops[], uint16_t n,
				  bool ok[], bool enc)
{
	uint16_t done = 0, good = 0, k;

	while (done < n) {
		k = (uint16_t)RTE_MIN(n - done, BURST);
		good += chunk(ctx, ops + done, k, ok + done, enc);
		done += k;
	}
	return good;
}

static uint16_t cdev_encrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				   bool ok[])
{
	return cdev_burst(ctx, ops, n, ok, true);
}

/* The device checks the tag (the data is plaintext by then, whatever the
 * verdict: the caller drops a packet whose ok[i] is false). */
static uint16_t cdev_decrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				   bool ok[])
{
	return cdev_burst(ctx, ops, n, ok, false);
}

const struct aead_engine aead_engine_cryptodev = {
	.name = "cryptodev",
	.setup = cdev_setup,
	.teardown = cdev_teardown,
	.ctx_create = cdev_ctx_create,
	.ctx_free = cdev_ctx_free,
	.key_init = cdev_key_init,
	.key_free = cdev_key_free,
	.encrypt_burst = cdev_encrypt_burst,
	.decrypt_burst = cdev_decrypt_burst,
};

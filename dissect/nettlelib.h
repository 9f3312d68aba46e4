/*
 * nettlelib.h - nettle, loaded the first time something needs it.
 *
 * Most runs decrypt nothing and hash nothing, and loading libnettle (its
 * relocations bind hundreds of symbols, its constructor probes the CPU)
 * cost a small capture's process a tenth of its instructions. So it is
 * not linked: the files that use nettle include this header instead of
 * <nettle/...>; it includes nettle's headers for the types and redirects
 * each function we call to a pointer dlsym()ed on first use (like libpcap,
 * dissect/pcapfile.c). Call sites read as plain nettle. A function missing
 * from the list below is an undefined symbol at link time.
 *
 * A libnettle that cannot be loaded (a broken installation: the package
 * depends on it) ends the process with status 2 and the loader's reason
 * when first needed (keys: decryption, signatures, NTLM), as the dynamic
 * loader would have at start; the graft cache does without it
 * (nettlelib_loaded()). SMBCMP_LIBNETTLE names another file to load
 * (tests: a missing library).
 */
#ifndef SMBCMP_NETTLELIB_H
#define SMBCMP_NETTLELIB_H

#include <stdbool.h>

#include <nettle/arcfour.h>
#include <nettle/ccm.h>
#include <nettle/cmac.h>
#include <nettle/des.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <nettle/version.h>

/* X(name): nettle_name is called. */
#define NETTLE_FUNCS(X)                                                        \
	X(arcfour_crypt) X(arcfour_set_key)                                    \
	X(ccm_aes128_decrypt) X(ccm_aes128_digest) X(ccm_aes128_encrypt)       \
	X(ccm_aes128_set_key) X(ccm_aes128_set_nonce) X(ccm_aes128_update)     \
	X(ccm_aes256_decrypt) X(ccm_aes256_digest) X(ccm_aes256_encrypt)       \
	X(ccm_aes256_set_key) X(ccm_aes256_set_nonce) X(ccm_aes256_update)     \
	X(cmac_aes128_digest) X(cmac_aes128_set_key) X(cmac_aes128_update)     \
	X(des_encrypt) X(des_fix_parity) X(des_set_key)                        \
	X(gcm_aes128_decrypt) X(gcm_aes128_digest) X(gcm_aes128_encrypt)       \
	X(gcm_aes128_set_iv) X(gcm_aes128_set_key) X(gcm_aes128_update)        \
	X(gcm_aes256_decrypt) X(gcm_aes256_digest) X(gcm_aes256_encrypt)       \
	X(gcm_aes256_set_iv) X(gcm_aes256_set_key) X(gcm_aes256_update)        \
	X(hmac_md5_digest) X(hmac_md5_set_key) X(hmac_md5_update)              \
	X(hmac_sha256_digest) X(hmac_sha256_set_key) X(hmac_sha256_update)     \
	X(md4_digest) X(md4_init) X(md4_update)                                \
	X(md5_digest) X(md5_init) X(md5_update)                                \
	X(memeql_sec)                                                          \
	X(sha256_digest) X(sha256_init) X(sha256_update)                       \
	X(sha512_digest) X(sha512_init) X(sha512_update)                       \
	X(version_major) X(version_minor)

struct nettlelib {
#define NETTLE_SLOT(f) __typeof__(nettle_##f) *p_##f;
	NETTLE_FUNCS(NETTLE_SLOT)
#undef NETTLE_SLOT
};

/* The loaded functions (loads them on the first call; thread-safe). */
const struct nettlelib *nettlelib(void);
/* Whether the library could be loaded (loads it on the first call); never
 * ends the process: for what can do without nettle (the graft cache). */
bool nettlelib_loaded(void);
/* "nettle MAJOR.MINOR" of the loaded library, or a line saying why it could
 * not be loaded (--version); never ends the process. */
const char *nettlelib_version(void);

/* nettle's headers map name to nettle_name; these map nettle_name to its
 * loaded pointer (one per NETTLE_FUNCS entry). */
#define nettle_arcfour_crypt (nettlelib()->p_arcfour_crypt)
#define nettle_arcfour_set_key (nettlelib()->p_arcfour_set_key)
#define nettle_ccm_aes128_decrypt (nettlelib()->p_ccm_aes128_decrypt)
#define nettle_ccm_aes128_digest (nettlelib()->p_ccm_aes128_digest)
#define nettle_ccm_aes128_encrypt (nettlelib()->p_ccm_aes128_encrypt)
#define nettle_ccm_aes128_set_key (nettlelib()->p_ccm_aes128_set_key)
#define nettle_ccm_aes128_set_nonce (nettlelib()->p_ccm_aes128_set_nonce)
#define nettle_ccm_aes128_update (nettlelib()->p_ccm_aes128_update)
#define nettle_ccm_aes256_decrypt (nettlelib()->p_ccm_aes256_decrypt)
#define nettle_ccm_aes256_digest (nettlelib()->p_ccm_aes256_digest)
#define nettle_ccm_aes256_encrypt (nettlelib()->p_ccm_aes256_encrypt)
#define nettle_ccm_aes256_set_key (nettlelib()->p_ccm_aes256_set_key)
#define nettle_ccm_aes256_set_nonce (nettlelib()->p_ccm_aes256_set_nonce)
#define nettle_ccm_aes256_update (nettlelib()->p_ccm_aes256_update)
#define nettle_cmac_aes128_digest (nettlelib()->p_cmac_aes128_digest)
#define nettle_cmac_aes128_set_key (nettlelib()->p_cmac_aes128_set_key)
#define nettle_cmac_aes128_update (nettlelib()->p_cmac_aes128_update)
#define nettle_des_encrypt (nettlelib()->p_des_encrypt)
#define nettle_des_fix_parity (nettlelib()->p_des_fix_parity)
#define nettle_des_set_key (nettlelib()->p_des_set_key)
#define nettle_gcm_aes128_decrypt (nettlelib()->p_gcm_aes128_decrypt)
#define nettle_gcm_aes128_digest (nettlelib()->p_gcm_aes128_digest)
#define nettle_gcm_aes128_encrypt (nettlelib()->p_gcm_aes128_encrypt)
#define nettle_gcm_aes128_set_iv (nettlelib()->p_gcm_aes128_set_iv)
#define nettle_gcm_aes128_set_key (nettlelib()->p_gcm_aes128_set_key)
#define nettle_gcm_aes128_update (nettlelib()->p_gcm_aes128_update)
#define nettle_gcm_aes256_decrypt (nettlelib()->p_gcm_aes256_decrypt)
#define nettle_gcm_aes256_digest (nettlelib()->p_gcm_aes256_digest)
#define nettle_gcm_aes256_encrypt (nettlelib()->p_gcm_aes256_encrypt)
#define nettle_gcm_aes256_set_iv (nettlelib()->p_gcm_aes256_set_iv)
#define nettle_gcm_aes256_set_key (nettlelib()->p_gcm_aes256_set_key)
#define nettle_gcm_aes256_update (nettlelib()->p_gcm_aes256_update)
#define nettle_hmac_md5_digest (nettlelib()->p_hmac_md5_digest)
#define nettle_hmac_md5_set_key (nettlelib()->p_hmac_md5_set_key)
#define nettle_hmac_md5_update (nettlelib()->p_hmac_md5_update)
#define nettle_hmac_sha256_digest (nettlelib()->p_hmac_sha256_digest)
#define nettle_hmac_sha256_set_key (nettlelib()->p_hmac_sha256_set_key)
#define nettle_hmac_sha256_update (nettlelib()->p_hmac_sha256_update)
#define nettle_md4_digest (nettlelib()->p_md4_digest)
#define nettle_md4_init (nettlelib()->p_md4_init)
#define nettle_md4_update (nettlelib()->p_md4_update)
#define nettle_md5_digest (nettlelib()->p_md5_digest)
#define nettle_md5_init (nettlelib()->p_md5_init)
#define nettle_md5_update (nettlelib()->p_md5_update)
#define nettle_memeql_sec (nettlelib()->p_memeql_sec)
#define nettle_sha256_digest (nettlelib()->p_sha256_digest)
#define nettle_sha256_init (nettlelib()->p_sha256_init)
#define nettle_sha256_update (nettlelib()->p_sha256_update)
#define nettle_sha512_digest (nettlelib()->p_sha512_digest)
#define nettle_sha512_init (nettlelib()->p_sha512_init)
#define nettle_sha512_update (nettlelib()->p_sha512_update)
#define nettle_version_major (nettlelib()->p_version_major)
#define nettle_version_minor (nettlelib()->p_version_minor)

#endif

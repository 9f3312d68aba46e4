/*
 * xmlapi.c - late binding of libxml2's reader; see xmlapi.h.
 */
#include "xmlapi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Written once under pthread_once, read-only after. */
static struct xmlapi api;
static char why[256];
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* dlsym() into a function pointer: POSIX guarantees the conversion. */
#define SYM(field, name)                                                   \
	do {                                                               \
		void *p_ = dlsym(h, name);                                 \
		if (!p_) {                                                 \
			snprintf(why, sizeof(why), "libxml2 lacks %s", name); \
			return;                                            \
		}                                                          \
		memcpy(&api.field, &p_, sizeof(p_));                       \
	} while (0)

/* libxml2 reports some errors (input encoding, I/O) on stderr in spite of
 * XML_PARSE_NOERROR, several lines each; a failed read is already reported
 * by tshark.c in one line. Silenced for this thread and, through the thread
 * defaults, for the reader threads created later. Missing setters (a newer
 * libxml2 that dropped them) are skipped. */
static void discard(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_arg;
#else
typedef xmlErrorPtr xml_error_arg;
#endif

static void discard_structured(void *ctx, xml_error_arg e)
{
	(void)ctx;
	(void)e;
}

static void quiet(void *h)
{
	static const char *const generic[] = {
		"xmlSetGenericErrorFunc", "xmlThrDefSetGenericErrorFunc",
	};
	static const char *const structured[] = {
		"xmlSetStructuredErrorFunc", "xmlThrDefSetStructuredErrorFunc",
	};
	for (size_t i = 0; i < 2; i++) {
		void *p = dlsym(h, generic[i]);
		void (*set)(void *, xmlGenericErrorFunc);
		if (p) {
			memcpy(&set, &p, sizeof(p));
			set(NULL, discard);
		}
		p = dlsym(h, structured[i]);
		void (*sset)(void *, xmlStructuredErrorFunc);
		if (p) {
			memcpy(&sset, &p, sizeof(p));
			sset(NULL, discard_structured);
		}
	}
}

static void load(void)
{
	void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		snprintf(why, sizeof(why), "%s", e ? e : "cannot load libxml2.so.2");
		return;
	}
	SYM(InitParser, "xmlInitParser");
	SYM(ReaderForFd, "xmlReaderForFd");
	SYM(ReaderForMemory, "xmlReaderForMemory");
	SYM(FreeTextReader, "xmlFreeTextReader");
	SYM(Read, "xmlTextReaderRead");
	SYM(Next, "xmlTextReaderNext");
	SYM(NodeType, "xmlTextReaderNodeType");
	SYM(Depth, "xmlTextReaderDepth");
	SYM(IsEmptyElement, "xmlTextReaderIsEmptyElement");
	SYM(MoveToNextAttribute, "xmlTextReaderMoveToNextAttribute");
	SYM(MoveToElement, "xmlTextReaderMoveToElement");
	SYM(ConstLocalName, "xmlTextReaderConstLocalName");
	SYM(ConstValue, "xmlTextReaderConstValue");
	api.InitParser();
	quiet(h);
	loaded = 1;
}

const struct xmlapi *xmlapi_load(char *err, size_t errlen)
{
	pthread_once(&once, load);
	if (loaded)
		return &api;
	snprintf(err, errlen, "cannot load libxml2 for the tshark engine: %s", why);
	return NULL;
}

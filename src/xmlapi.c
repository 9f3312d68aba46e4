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

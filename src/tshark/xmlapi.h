/*
 * xmlapi.h - libxml2's streaming reader (xmlTextReader), loaded with
 * dlopen() the first time the tshark engine needs it.
 *
 * Most runs never read PDML (the native engine, --list, the UI on a trace
 * without DCE/RPC), and linking libxml2 drags ICU, libstdc++, zlib and
 * liblzma into every process: about 7 ms of dynamic loading, a third of
 * smbcmp's start-up on a small capture. The headers are libxml2's own; only
 * the binding is late.
 */
#ifndef SMBCMP_XMLAPI_H
#define SMBCMP_XMLAPI_H

#include <libxml/xmlreader.h>
#include <stddef.h>

struct xmlapi {
	void (*InitParser)(void);
	xmlTextReaderPtr (*ReaderForFd)(int fd, const char *url, const char *enc,
					int options);
	xmlTextReaderPtr (*ReaderForMemory)(const char *buf, int size, const char *url,
					    const char *enc, int options);
	void (*FreeTextReader)(xmlTextReaderPtr r);
	int (*Read)(xmlTextReaderPtr r);
	int (*Next)(xmlTextReaderPtr r);
	int (*NodeType)(xmlTextReaderPtr r);
	int (*Depth)(xmlTextReaderPtr r);
	int (*IsEmptyElement)(xmlTextReaderPtr r);
	int (*MoveToNextAttribute)(xmlTextReaderPtr r);
	int (*MoveToElement)(xmlTextReaderPtr r);
	const xmlChar *(*ConstLocalName)(xmlTextReaderPtr r);
	const xmlChar *(*ConstValue)(xmlTextReaderPtr r);
};

/* The loaded library (once per process, thread-safe), or NULL with the
 * reason in err ("libxml2.so.2: cannot open shared object file ..."). */
const struct xmlapi *xmlapi_load(char *err, size_t errlen);

#endif

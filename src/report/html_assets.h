/*
 * html_assets.h - the stylesheet and script of the HTML report, generated
 * at build time from src/report/html.css and html.js (tools/embed.py).
 */
#ifndef SMBCMP_HTML_ASSETS_H
#define SMBCMP_HTML_ASSETS_H

extern const char html_css[];
extern const char html_js[];

#endif

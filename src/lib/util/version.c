/*
 * version.c — the version string, taken from configure (PACKAGE_VERSION).
 */
#include "config.h"
#include "util.h"

const char *tm_version(void) { return PACKAGE_VERSION; }

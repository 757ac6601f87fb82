// Memory and string primitives. The hypervisor has its own (lib/string.cpp); host
// builds of common code use the C library's.
#pragma once
#include <stddef.h>

#ifdef XENON_HYPERVISOR
extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
const char* strchr(const char* s, int c);
}
#else
#include <string.h>
#endif

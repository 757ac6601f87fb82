// Freestanding string and memory helpers (the compiler may also call memset/memcpy).
#include "runtime.h"

extern "C" void *memset(void *d, int c, size_t n) {
    auto *p = static_cast<unsigned char *>(d);
    while (n--)
        *p++ = static_cast<unsigned char>(c);
    return d;
}

extern "C" void *memcpy(void *d, const void *s, size_t n) {
    auto *dp = static_cast<unsigned char *>(d);
    auto *sp = static_cast<const unsigned char *>(s);
    while (n--)
        *dp++ = *sp++;
    return d;
}

extern "C" void *memmove(void *d, const void *s, size_t n) {
    auto *dp = static_cast<unsigned char *>(d);
    auto *sp = static_cast<const unsigned char *>(s);
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

extern "C" int memcmp(const void *a, const void *b, size_t n) {
    auto *ap = static_cast<const unsigned char *>(a);
    auto *bp = static_cast<const unsigned char *>(b);
    for (; n; n--, ap++, bp++)
        if (*ap != *bp)
            return *ap < *bp ? -1 : 1;
    return 0;
}

namespace xt {

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        if (!*a)
            return 0;
    }
    return 0;
}

int strcmp(const char *a, const char *b) {
    return strncmp(a, b, ~size_t(0));
}

const char *strstr(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncmp(hay, needle, n))
            return hay;
    return n ? nullptr : hay;
}

} // namespace xt

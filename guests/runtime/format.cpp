// A small printf-style formatter: flags - 0 # + space, width and precision (numbers or *),
// length modifiers hh h l ll z j t, conversions d i u x X o p s c %. No floating point.
#include "runtime.h"

namespace xt {
namespace {

struct sink {
    char *buf;
    size_t size;
    size_t len; // characters produced, even past the end of buf
    void put(char c) {
        if (len + 1 < size)
            buf[len] = c;
        len++;
    }
    void fill(char c, int n) {
        for (; n > 0; n--)
            put(c);
    }
};

struct spec {
    bool left, zero, alt, plus, space;
    int width;
    int precision; // -1: none
};

void put_string(sink &out, const spec &s, const char *str) {
    if (!str)
        str = "(null)";
    size_t n = s.precision >= 0 ? strnlen(str, size_t(s.precision)) : strlen(str);
    int pad = s.width > int(n) ? s.width - int(n) : 0;
    if (!s.left)
        out.fill(' ', pad);
    for (size_t i = 0; i < n; i++)
        out.put(str[i]);
    if (s.left)
        out.fill(' ', pad);
}

void put_number(sink &out, spec s, unsigned long long v, bool negative, unsigned base,
                bool upper, const char *prefix) {
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    if (s.precision == 0 && n == 1 && digits[0] == '0')
        n = 0;
    char sign = negative ? '-' : s.plus ? '+' : s.space ? ' ' : 0;
    int prefix_len = int(strlen(prefix)) + (sign ? 1 : 0);
    int zeros = s.precision > n ? s.precision - n : 0;
    if (s.zero && !s.left && s.precision < 0 && s.width > prefix_len + n)
        zeros = s.width - prefix_len - n;
    int pad = s.width - prefix_len - zeros - n;
    if (!s.left)
        out.fill(' ', pad);
    if (sign)
        out.put(sign);
    for (const char *p = prefix; *p; p++)
        out.put(*p);
    out.fill('0', zeros);
    while (n)
        out.put(digits[--n]);
    if (s.left)
        out.fill(' ', pad);
}

} // namespace

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    sink out{buf, size, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        spec s{false, false, false, false, false, 0, -1};
        for (;; p++) {
            char c = p[1];
            if (c == '-')
                s.left = true;
            else if (c == '0')
                s.zero = true;
            else if (c == '#')
                s.alt = true;
            else if (c == '+')
                s.plus = true;
            else if (c == ' ')
                s.space = true;
            else
                break;
        }
        p++;
        if (*p == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) {
                s.left = true;
                s.width = -s.width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                s.width = s.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            s.precision = 0;
            if (*p == '*') {
                s.precision = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    s.precision = s.precision * 10 + (*p++ - '0');
            }
        }
        int length = 0; // -2 hh, -1 h, 0 int, 1 long, 2 long long
        for (;; p++) {
            if (*p == 'h')
                length = length < 0 ? -2 : -1;
            else if (*p == 'l')
                length++;
            else if (*p == 'z' || *p == 'j' || *p == 't')
                length = 1;
            else
                break;
        }
        if (!*p)
            break;
        switch (*p) {
        case 'd':
        case 'i': {
            long long v = length >= 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (length == -1)
                v = short(v);
            else if (length == -2)
                v = (signed char)v;
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            put_number(out, s, mag, v < 0, 10, false, "");
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = length >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            if (length == -1)
                v = (unsigned short)v;
            else if (length == -2)
                v = (unsigned char)v;
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            const char *prefix = "";
            if (s.alt && v && base == 16)
                prefix = *p == 'X' ? "0X" : "0x";
            else if (s.alt && base == 8)
                prefix = "0";
            put_number(out, s, v, false, base, *p == 'X', prefix);
            break;
        }
        case 'p': {
            void *v = va_arg(ap, void *);
            put_number(out, s, reinterpret_cast<uintptr_t>(v), false, 16, false, "0x");
            break;
        }
        case 's':
            put_string(out, s, va_arg(ap, const char *));
            break;
        case 'c': {
            char c[2] = {char(va_arg(ap, int)), 0};
            s.precision = -1;
            put_string(out, s, c);
            break;
        }
        case '%':
            out.put('%');
            break;
        default: // unknown: print it as it stands
            out.put('%');
            out.put(*p);
            break;
        }
    }
    if (size)
        buf[out.len < size ? out.len : size - 1] = 0;
    return int(out.len);
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

} // namespace xt

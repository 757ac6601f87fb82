// printf-style formatting into a fixed buffer, for the console and for panic messages.
//
// Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', ' ', '+', '#', a width
// and precision (also '*'), and the length modifiers hh h l ll z t j. Output is always
// NUL-terminated when size > 0; the return value is the length the full output would
// have had, as with C's vsnprintf.
#pragma once
#include <stdarg.h>
#include <stddef.h>

namespace lib {

size_t vformat(char* buf, size_t size, const char* fmt, va_list args);
size_t format(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

} // namespace lib

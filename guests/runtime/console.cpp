// Console output through HYPERVISOR_console_io(CONSOLEIO_write), the verdict line and
// shutdown.
#include "public/errno.h"
#include "public/sched.h"
#include "runtime.h"

namespace xt {
namespace {

char line[512];
size_t line_len;
bool reported; // a verdict was printed: a second one (e.g. from a fault) is suppressed

void flush_line() {
    if (line_len)
        puts_raw(line, line_len);
    line_len = 0;
}

[[noreturn]] void verdict(const char *word, const char *fmt, va_list ap) {
    if (reported)
        shutdown(xen::SHUTDOWN_poweroff);
    reported = true;
    flush_line();
    char buf[600];
    size_t n = size_t(snprintf(buf, sizeof buf, "Test result: %s", word));
    if (fmt) {
        n += size_t(snprintf(buf + n, sizeof buf - n, " ("));
        if (n < sizeof buf)
            n += size_t(vsnprintf(buf + n, sizeof buf - n, fmt, ap));
        if (n < sizeof buf)
            n += size_t(snprintf(buf + n, sizeof buf - n, ")"));
    }
    if (n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    puts_raw(buf, n);
    shutdown(xen::SHUTDOWN_poweroff);
}

} // namespace

void puts_raw(const char *s, size_t len) {
    console_io(xen::CONSOLEIO_write, len, s);
}

void printf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > int(sizeof buf) - 1)
        n = sizeof buf - 1;
    for (int i = 0; i < n; i++) {
        line[line_len++] = buf[i];
        if (buf[i] == '\n' || line_len == sizeof line)
            flush_line();
    }
}

void shutdown(unsigned reason) {
    xen::sched_shutdown arg{reason};
    for (;;) {
        sched_op(xen::SCHEDOP_shutdown, &arg);
        sched_op(xen::SCHEDOP_yield); // only if shutdown returned
    }
}

void report_success() {
    va_list none{};
    verdict("SUCCESS", nullptr, none);
}

void report_failure(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verdict("FAILURE", fmt, ap);
}

void report_skip(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verdict("SKIP", fmt, ap);
}

void report_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verdict("ERROR", fmt, ap);
}

const char *errno_name(long rc) {
    switch (-rc) {
    case xen::XEN_EPERM: return "-EPERM";
    case xen::XEN_ENOENT: return "-ENOENT";
    case xen::XEN_ESRCH: return "-ESRCH";
    case xen::XEN_EINTR: return "-EINTR";
    case xen::XEN_EIO: return "-EIO";
    case xen::XEN_ENXIO: return "-ENXIO";
    case xen::XEN_E2BIG: return "-E2BIG";
    case xen::XEN_ENOEXEC: return "-ENOEXEC";
    case xen::XEN_EBADF: return "-EBADF";
    case xen::XEN_EAGAIN: return "-EAGAIN";
    case xen::XEN_ENOMEM: return "-ENOMEM";
    case xen::XEN_EACCES: return "-EACCES";
    case xen::XEN_EFAULT: return "-EFAULT";
    case xen::XEN_EBUSY: return "-EBUSY";
    case xen::XEN_EEXIST: return "-EEXIST";
    case xen::XEN_ENODEV: return "-ENODEV";
    case xen::XEN_EINVAL: return "-EINVAL";
    case xen::XEN_ENOSPC: return "-ENOSPC";
    case xen::XEN_EDOM: return "-EDOM";
    case xen::XEN_ERANGE: return "-ERANGE";
    case xen::XEN_ENOSYS: return "-ENOSYS";
    case xen::XEN_ENODATA: return "-ENODATA";
    case xen::XEN_ETIME: return "-ETIME";
    case xen::XEN_EOVERFLOW: return "-EOVERFLOW";
    case xen::XEN_ERESTART: return "-ERESTART";
    case xen::XEN_EOPNOTSUPP: return "-EOPNOTSUPP";
    case xen::XEN_ENOBUFS: return "-ENOBUFS";
    case xen::XEN_EISCONN: return "-EISCONN";
    case xen::XEN_ENOTCONN: return "-ENOTCONN";
    default: return "";
    }
}

void check_rc(long got, long want, const char *what, const char *file, int line_no) {
    if (got != want)
        report_failure("%s:%d: %s returned %ld%s%s%s, expected %ld%s%s%s", file, line_no, what,
                       got, *errno_name(got) ? " (" : "", errno_name(got),
                       *errno_name(got) ? ")" : "", want, *errno_name(want) ? " (" : "",
                       errno_name(want), *errno_name(want) ? ")" : "");
}

} // namespace xt

// Error numbers as Xen's hypercalls return them: a failing hypercall returns the negated
// value (-XEN_EINVAL, ...). They happen to equal Linux's x86 numbers, but they are Xen's
// ABI, not the host C library's: each carries a XEN_ prefix, because the C library owns
// the bare E* names as macros.
#pragma once

namespace xen {

inline constexpr int XEN_EPERM = 1;          // not permitted
inline constexpr int XEN_ENOENT = 2;         // no such entry
inline constexpr int XEN_ESRCH = 3;          // no such domain/vcpu
inline constexpr int XEN_EINTR = 4;          // hypervisor-internal, never seen by guests
inline constexpr int XEN_EIO = 5;            // I/O error
inline constexpr int XEN_ENXIO = 6;          // no such device or address
inline constexpr int XEN_E2BIG = 7;          // argument list too long
inline constexpr int XEN_ENOEXEC = 8;        // bad executable format
inline constexpr int XEN_EBADF = 9;          // bad handle
inline constexpr int XEN_ECHILD = 10;        // no child
inline constexpr int XEN_EAGAIN = 11;        // try again
inline constexpr int XEN_EWOULDBLOCK = 11;   // same as XEN_EAGAIN
inline constexpr int XEN_ENOMEM = 12;        // out of memory
inline constexpr int XEN_EACCES = 13;        // access denied
inline constexpr int XEN_EFAULT = 14;        // bad guest address
inline constexpr int XEN_EBUSY = 16;         // busy
inline constexpr int XEN_EEXIST = 17;        // already exists
inline constexpr int XEN_EXDEV = 18;         // cross-device
inline constexpr int XEN_ENODEV = 19;        // no such device
inline constexpr int XEN_ENOTDIR = 20;       // not a directory
inline constexpr int XEN_EISDIR = 21;        // is a directory
inline constexpr int XEN_EINVAL = 22;        // invalid argument
inline constexpr int XEN_ENFILE = 23;        // table overflow
inline constexpr int XEN_EMFILE = 24;        // too many open
inline constexpr int XEN_ENOSPC = 28;        // no space left
inline constexpr int XEN_EROFS = 30;         // read-only
inline constexpr int XEN_EMLINK = 31;        // too many links
inline constexpr int XEN_EDOM = 33;          // argument out of domain
inline constexpr int XEN_ERANGE = 34;        // result out of range
inline constexpr int XEN_EDEADLK = 35;       // deadlock
inline constexpr int XEN_EDEADLOCK = 35;     // same as XEN_EDEADLK
inline constexpr int XEN_ENAMETOOLONG = 36;  // name too long
inline constexpr int XEN_ENOLCK = 37;        // no locks available
inline constexpr int XEN_ENOSYS = 38;        // not implemented
inline constexpr int XEN_ENOTEMPTY = 39;     // not empty
inline constexpr int XEN_ENODATA = 61;       // no data
inline constexpr int XEN_ETIME = 62;         // timer expired / deadline passed
inline constexpr int XEN_EBADMSG = 74;       // bad message
inline constexpr int XEN_EOVERFLOW = 75;     // value too large
inline constexpr int XEN_EILSEQ = 84;        // illegal byte sequence
inline constexpr int XEN_ERESTART = 85;      // hypervisor-internal: continue the hypercall
inline constexpr int XEN_ENOTSOCK = 88;      // not a socket
inline constexpr int XEN_EMSGSIZE = 90;      // message too large
inline constexpr int XEN_EOPNOTSUPP = 95;    // operation not supported
inline constexpr int XEN_EADDRINUSE = 98;    // address in use
inline constexpr int XEN_EADDRNOTAVAIL = 99; // address not available
inline constexpr int XEN_ENOBUFS = 105;      // no buffer space
inline constexpr int XEN_EISCONN = 106;      // already connected
inline constexpr int XEN_ENOTCONN = 107;     // not connected
inline constexpr int XEN_ETIMEDOUT = 110;    // timed out
inline constexpr int XEN_ECONNREFUSED = 111; // connection refused

} // namespace xen

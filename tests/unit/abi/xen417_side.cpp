// Xen 4.17's side of the ABI cross-check: abi_entries.inc evaluated against Debian's
// libxen-dev headers. Must not see any of xenon's headers.
//
// How the headers are configured: __XEN_TOOLS__ selects the newest interface version
// (0x00040e00) and unlocks domctl.h/sysctl.h, as libxenctrl does. errno.h is included
// once with __XEN__ defined, because XEN_EINTR and XEN_ERESTART (hypervisor-internal,
// but part of the value space) are only declared then. The headers need GNU C++
// (anonymous structs in hvm/save.h), so CMake compiles this file with -std=gnu++20.

#define __XEN__
#include <xen/errno.h>
#undef __XEN__

#define __XEN_TOOLS__ 1
#include <stddef.h>
#include <stdint.h>

#include <xen/callback.h>
#include <xen/domctl.h>
#include <xen/elfnote.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/nmi.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/xen.h>
// Needs xen.h first.
#include <xen/arch-x86/xen-mca.h>

#include <xen/arch-x86/hvm/start_info.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "abi/abi_table.h"

#if XEN_DOMCTL_INTERFACE_VERSION != 0x15 || XEN_SYSCTL_INTERFACE_VERSION != 0x15
#error "expected Xen 4.17's public headers (domctl/sysctl interface version 0x15)"
#endif

namespace abi_check {
namespace {

#define ABI_CONST(n) {#n, as_i64(n)},
#define ABI_CONST_AS(theirs, ours) {#theirs, as_i64(theirs)},
#define ABI_TYPE_AS(theirs, ours)                                                                  \
    {"sizeof(" #theirs ")", as_i64(sizeof(theirs))},                                               \
        {"alignof(" #theirs ")", as_i64(alignof(theirs))},
#define ABI_TYPE(t) ABI_TYPE_AS(t, t)
#define ABI_FIELD_AS(t, theirs, ours)                                                              \
    {"offsetof(" #t ", " #theirs ")", as_i64(offsetof(t, theirs))},                                \
        {"sizeof(" #t "::" #theirs ")", as_i64(sizeof(static_cast<t*>(nullptr)->theirs))},
#define ABI_FIELD(t, m) ABI_FIELD_AS(t, m, m)
#define ABI_OFFSET(t, m) {"offsetof(" #t ", " #m ")", as_i64(offsetof(t, m))},

const Entry kEntries[] = {
#include "abi/abi_entries.inc"
};

// Xen's own list, through its X-macro; __XEN__ again so the internal ones appear too.
#define __XEN__
#define XEN_ERRNO(name, value) {"XEN_" #name, as_i64(value)},
const Entry kErrnos[] = {
#include <xen/errno.h>
};
#undef __XEN__

} // namespace

Table xen417_table() {
    return {kEntries, sizeof(kEntries) / sizeof(kEntries[0])};
}
Table xen417_errno_table() {
    return {kErrnos, sizeof(kErrnos) / sizeof(kErrnos[0])};
}

} // namespace abi_check

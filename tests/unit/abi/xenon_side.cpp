// xenon's side of the ABI cross-check: abi_entries.inc evaluated against
// hypervisor/include/public/. Must not see any of Xen's own headers.
#include <stddef.h>
#include <stdint.h>

#include "abi/abi_table.h"
#include "public/callback.h"
#include "public/domctl.h"
#include "public/elfnote.h"
#include "public/event_channel.h"
#include "public/features.h"
#include "public/grant_table.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/hvm/start_info.h"
#include "public/memory.h"
#include "public/nmi.h"
#include "public/physdev.h"
#include "public/platform.h"
#include "public/sched.h"
#include "public/sysctl.h"
#include "public/vcpu.h"
#include "public/version.h"
#include "public/xen.h"
#include "public/xen_mca.h"

#if defined(__XEN__) || defined(__XEN_TOOLS__) || defined(__XEN_PUBLIC_XEN_H__)
#error "xenon_side.cpp must not be built against Xen's headers"
#endif

namespace abi_check {
namespace {

#define ABI_CONST(n) {#n, as_i64(::xen::n)},
#define ABI_CONST_AS(theirs, ours) {#theirs, as_i64(::xen::ours)},
#define ABI_TYPE_AS(theirs, ours)                                                                  \
    {"sizeof(" #theirs ")", as_i64(sizeof(::xen::ours))},                                          \
        {"alignof(" #theirs ")", as_i64(alignof(::xen::ours))},
#define ABI_TYPE(t) ABI_TYPE_AS(t, t)
#define ABI_FIELD_AS(t, theirs, ours)                                                              \
    {"offsetof(" #t ", " #theirs ")", as_i64(offsetof(::xen::t, ours))},                           \
        {"sizeof(" #t "::" #theirs ")", as_i64(sizeof(static_cast<::xen::t*>(nullptr)->ours))},
#define ABI_FIELD(t, m) ABI_FIELD_AS(t, m, m)
#define ABI_OFFSET(t, m) {"offsetof(" #t ", " #m ")", as_i64(offsetof(::xen::t, m))},

const Entry kEntries[] = {
#include "abi/abi_entries.inc"
};

} // namespace

Table xenon_table() {
    return {kEntries, sizeof(kEntries) / sizeof(kEntries[0])};
}

} // namespace abi_check

// HYPERVISOR_xen_version(cmd, arg): identity and capabilities of the hypervisor.
// Every sub-op returns 0 on success except XENVER_version (major << 16 | minor) and
// XENVER_pagesize (the page size).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/features.h"
#include "public/xen.h"

namespace xen {

inline constexpr unsigned XENVER_version = 0;             // arg unused
inline constexpr unsigned XENVER_extraversion = 1;        // arg: xen_extraversion_t
inline constexpr unsigned XENVER_compile_info = 2;        // arg: xen_compile_info
inline constexpr unsigned XENVER_capabilities = 3;        // arg: xen_capabilities_info_t
inline constexpr unsigned XENVER_changeset = 4;           // arg: xen_changeset_info_t
inline constexpr unsigned XENVER_platform_parameters = 5; // arg: xen_platform_parameters
inline constexpr unsigned XENVER_get_features = 6;        // arg: xen_feature_info
inline constexpr unsigned XENVER_pagesize = 7;            // arg unused
inline constexpr unsigned XENVER_guest_handle = 8;        // arg: xen_domain_handle_t
inline constexpr unsigned XENVER_commandline = 9;         // arg: xen_commandline_t (privileged)
inline constexpr unsigned XENVER_build_id = 10;           // arg: xen_build_id (privileged)

// Strings are NUL-terminated within their fixed sizes.
using xen_extraversion_t = char[16]; // e.g. ".7" after major.minor
inline constexpr size_t XEN_EXTRAVERSION_LEN = sizeof(xen_extraversion_t);

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
static_assert(sizeof(xen_compile_info) == 144);
static_assert(offsetof(xen_compile_info, compile_by) == 64 &&
              offsetof(xen_compile_info, compile_domain) == 80 &&
              offsetof(xen_compile_info, compile_date) == 112);

// Space-separated guest types the hypervisor runs, e.g. "xen-3.0-x86_64 hvm-3.0-x86_64".
using xen_capabilities_info_t = char[1024];
inline constexpr size_t XEN_CAPABILITIES_INFO_LEN = sizeof(xen_capabilities_info_t);

using xen_changeset_info_t = char[64];
inline constexpr size_t XEN_CHANGESET_INFO_LEN = sizeof(xen_changeset_info_t);

struct xen_platform_parameters {
    xen_ulong_t virt_start; // start of the hypervisor's hole in the guest address space
};
static_assert(sizeof(xen_platform_parameters) == 8);

struct xen_feature_info {
    uint32_t submap_idx; // in: which 32-bit word of XENFEAT_* bits
    uint32_t submap;     // out: the word
};
static_assert(sizeof(xen_feature_info) == 8 && offsetof(xen_feature_info, submap) == 4);

using xen_commandline_t = char[1024];

// The guest sets len to the size of buf; Xen fills buf and returns the id's length.
struct xen_build_id {
    uint32_t len;
    unsigned char buf[]; // variable length
};
static_assert(sizeof(xen_build_id) == 4 && offsetof(xen_build_id, buf) == 4);

} // namespace xen

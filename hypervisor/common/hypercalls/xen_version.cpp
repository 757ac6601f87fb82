// HYPERVISOR_xen_version: who the hypervisor is and what it offers. xenon answers as Xen
// 4.17 does: version 4.17, the same feature bits for the same kind of domain, the same
// errors, and the same split between sub-ops every domain may use and the ones reserved
// to the control domain (commandline, build_id and unknown numbers).
#include "arch/hvm.h"
#include "common/bootinfo.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/features.h"
#include "public/version.h"

namespace arch {
const BootInfo& boot_information(); // arch/x86/setup.cpp
}

namespace {

constexpr long kMajor = 4;
constexpr long kMinor = 17;

constexpr const char kExtraVersion[] = "-xenon";
constexpr const char kCompileBy[] = "xenon";
constexpr const char kCompileDomain[] = "xenon.invalid";
constexpr const char kChangeset[] = "unavailable";
// What Xen gives a domain that may not see a value.
constexpr const char kDenied[] = "<denied>";
// 64-bit PV guests are the only kind xenon runs so far; Xen lists the HVM kinds too when
// it has them.
constexpr const char kCapabilities[] = "xen-3.0-x86_64 ";

// Copies a string into a fixed-size field: truncated, NUL-terminated, zero-padded.
void put_string(char* dst, size_t size, const char* src) {
    memset(dst, 0, size);
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
}

template <size_t N> long copy_string_out(uint64_t arg, const char* value) {
    char buf[N];
    put_string(buf, N, value);
    return arch::copy_to_guest(arg, buf, N) ? -xen::XEN_EFAULT : 0;
}

// XSM's default policy: these answer any domain; everything else only the control domain.
bool open_to_all(int cmd) {
    switch (cmd) {
    case xen::XENVER_version:
    case xen::XENVER_platform_parameters:
    case xen::XENVER_get_features:
    case xen::XENVER_extraversion:
    case xen::XENVER_compile_info:
    case xen::XENVER_capabilities:
    case xen::XENVER_changeset:
    case xen::XENVER_pagesize:
    case xen::XENVER_guest_handle:
        return true;
    default:
        return false;
    }
}

// Feature word 0 for a domain, as Xen 4.17 computes it for x86.
uint32_t feature_submap0(const Domain& d) {
    uint32_t bits = 1u << xen::XENFEAT_memory_op_vnode_supported;
    if (d.privileged) // the hardware domain
        bits |= 1u << xen::XENFEAT_dom0;
    if (arch::is_hvm_domain(d)) {
        // Translated (the p2m), so not direct mapped; no PIRQs without an emulated IOAPIC.
        bits |= (1u << xen::XENFEAT_writable_page_tables) |
                (1u << xen::XENFEAT_auto_translated_physmap) |
                (1u << xen::XENFEAT_hvm_safe_pvclock) | (1u << xen::XENFEAT_hvm_callback_vector) |
                (1u << xen::XENFEAT_not_direct_mapped);
        return bits;
    }
    // A PV domain: Xen's page-table interface, not translated, hence direct mapped.
    bits |= (1u << xen::XENFEAT_mmu_pt_update_preserve_ad) | (1u << xen::XENFEAT_highmem_assist) |
            (1u << xen::XENFEAT_gnttab_map_avail_bits);
    bits |= 1u << xen::XENFEAT_direct_mapped;
    return bits;
}

} // namespace

long do_xen_version(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1); // Xen's prototype takes an int
    const uint64_t arg = a2;
    Domain& d = *current_vcpu()->domain;
    const bool deny = !open_to_all(cmd) && !d.privileged;

    switch (cmd) {
    case xen::XENVER_version:
        return (kMajor << 16) | kMinor;

    case xen::XENVER_extraversion:
        return copy_string_out<xen::XEN_EXTRAVERSION_LEN>(arg, kExtraVersion);

    case xen::XENVER_compile_info: {
        xen::xen_compile_info info;
#if defined(__clang__)
        put_string(info.compiler, sizeof(info.compiler), "clang " __clang_version__);
#else
        put_string(info.compiler, sizeof(info.compiler), "gcc " __VERSION__);
#endif
        put_string(info.compile_by, sizeof(info.compile_by), kCompileBy);
        put_string(info.compile_domain, sizeof(info.compile_domain), kCompileDomain);
        put_string(info.compile_date, sizeof(info.compile_date), __DATE__ " " __TIME__);
        return arch::copy_to_guest(arg, &info, sizeof(info)) ? -xen::XEN_EFAULT : 0;
    }

    case xen::XENVER_capabilities:
        return copy_string_out<xen::XEN_CAPABILITIES_INFO_LEN>(arg, kCapabilities);

    case xen::XENVER_platform_parameters: {
        xen::xen_platform_parameters params{xen::HYPERVISOR_VIRT_START};
        return arch::copy_to_guest(arg, &params, sizeof(params)) ? -xen::XEN_EFAULT : 0;
    }

    case xen::XENVER_changeset:
        return copy_string_out<xen::XEN_CHANGESET_INFO_LEN>(arg, kChangeset);

    case xen::XENVER_get_features: {
        xen::xen_feature_info fi;
        if (arch::copy_from_guest(&fi, arg, sizeof(fi)))
            return -xen::XEN_EFAULT;
        if (fi.submap_idx != 0) // XENFEAT_NR_SUBMAPS is 1
            return -xen::XEN_EINVAL;
        fi.submap = feature_submap0(d);
        return arch::copy_to_guest(arg, &fi, sizeof(fi)) ? -xen::XEN_EFAULT : 0;
    }

    case xen::XENVER_pagesize:
        // The argument must be null; anything else is refused.
        return arg ? -xen::XEN_EINVAL : 4096;

    case xen::XENVER_guest_handle: {
        // The toolstack's UUID for the domain; the initial domain's is all zeroes.
        uint8_t handle[sizeof(xen::xen_domain_handle_t)] = {};
        return arch::copy_to_guest(arg, handle, sizeof(handle)) ? -xen::XEN_EFAULT : 0;
    }

    case xen::XENVER_commandline: {
        if (deny) // Xen copies the marker and its NUL, and succeeds
            return arch::copy_to_guest(arg, kDenied, sizeof(kDenied)) ? -xen::XEN_EFAULT : 0;
        return copy_string_out<sizeof(xen::xen_commandline_t)>(arg,
                                                                arch::boot_information().cmdline);
    }

    case xen::XENVER_build_id: {
        if (deny)
            return -xen::XEN_EPERM;
        if (arg) {
            xen::xen_build_id id;
            if (arch::copy_from_guest(&id, arg, sizeof(id)))
                return -xen::XEN_EFAULT;
            if (id.len == 0)
                return -xen::XEN_EINVAL;
        }
        return -xen::XEN_ENODATA; // xenon is linked without a build id
    }

    default:
        return -xen::XEN_ENOSYS;
    }
}

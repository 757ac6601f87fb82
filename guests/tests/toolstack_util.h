// Helpers for the toolstack conformance guests (sysctl_*.cpp, domctl_*.cpp): one domctl
// or sysctl at Xen 4.17's interface version, as libxc issues them.
#pragma once
#include "public/domctl.h"
#include "public/sysctl.h"
#include "runtime.h"

namespace ts {

inline xen::xen_domctl dc;
inline xen::xen_sysctl sc;

// dc/sc are set up (cmd, version, domain; the payload zeroed) for the caller to fill in.
inline xen::xen_domctl& domctl_init(uint32_t cmd, xen::domid_t dom) {
    memset(&dc, 0, sizeof dc);
    dc.cmd = cmd;
    dc.interface_version = xen::XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return dc;
}
inline long domctl() {
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

inline xen::xen_sysctl& sysctl_init(uint32_t cmd) {
    memset(&sc, 0, sizeof sc);
    sc.cmd = cmd;
    sc.interface_version = xen::XEN_SYSCTL_INTERFACE_VERSION;
    return sc;
}
inline long sysctl() {
    return xt::hypercall(xen::HYPERVISOR_sysctl, xt::arg(&sc));
}

inline xen::xenctl_bitmap bitmap(uint8_t* bytes, uint32_t nr_bits) {
    return {{reinterpret_cast<uint64_t>(bytes)}, nr_bits};
}

// An address no guest can read or write (in the hypervisor's range).
inline constexpr uint64_t kBadVa = 0xffff800000001000ull;

} // namespace ts

// HYPERVISOR_nmi_op(cmd, arg): NMI delivery to the hardware domain.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

// Why an NMI happened, in shared_info.arch.nmi_reason.
inline constexpr unsigned XEN_NMIREASON_io_error_bit = 0;
inline constexpr uint64_t XEN_NMIREASON_io_error = 1u << 0; // I/O check (port 0x61 bit 6)
inline constexpr unsigned XEN_NMIREASON_pci_serr_bit = 1;
inline constexpr uint64_t XEN_NMIREASON_pci_serr = 1u << 1; // PCI SERR (port 0x61 bit 7)
inline constexpr unsigned XEN_NMIREASON_unknown_bit = 2;
inline constexpr uint64_t XEN_NMIREASON_unknown = 1u << 2; // any other hardware NMI

inline constexpr unsigned XENNMI_register_callback = 0;   // xennmi_callback
inline constexpr unsigned XENNMI_unregister_callback = 1; // arg unused

struct xennmi_callback {
    uint64_t handler_address;
    uint64_t pad;
};
static_assert(sizeof(xennmi_callback) == 16);

} // namespace xen

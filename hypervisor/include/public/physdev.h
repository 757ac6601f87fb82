// HYPERVISOR_physdev_op(cmd, arg): physical-device plumbing for privileged domains --
// I/O privilege, physical IRQs (pirqs) and their EOI, PCI device and MSI bookkeeping.
// Structures are given for what a Linux dom0 uses at boot; the rest are numbers only
// for now.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr unsigned PHYSDEVOP_IRQ_UNMASK_NOTIFY = 4; // legacy (physdev_op_compat)
inline constexpr unsigned PHYSDEVOP_irq_status_query = 5;
inline constexpr unsigned PHYSDEVOP_set_iopl = 6;
inline constexpr unsigned PHYSDEVOP_set_iobitmap = 7;
inline constexpr unsigned PHYSDEVOP_apic_read = 8;
inline constexpr unsigned PHYSDEVOP_apic_write = 9;
inline constexpr unsigned PHYSDEVOP_alloc_irq_vector = 10;
inline constexpr unsigned PHYSDEVOP_free_irq_vector = 11;
inline constexpr unsigned PHYSDEVOP_eoi = 12;
inline constexpr unsigned PHYSDEVOP_map_pirq = 13;
inline constexpr unsigned PHYSDEVOP_unmap_pirq = 14;
inline constexpr unsigned PHYSDEVOP_manage_pci_add = 15;
inline constexpr unsigned PHYSDEVOP_manage_pci_remove = 16;
inline constexpr unsigned PHYSDEVOP_pirq_eoi_gmfn_v1 = 17;
inline constexpr unsigned PHYSDEVOP_restore_msi = 19;
inline constexpr unsigned PHYSDEVOP_manage_pci_add_ext = 20;
inline constexpr unsigned PHYSDEVOP_setup_gsi = 21;
// 22 is kept free.
inline constexpr unsigned PHYSDEVOP_get_free_pirq = 23;
inline constexpr unsigned PHYSDEVOP_pci_mmcfg_reserved = 24;
inline constexpr unsigned PHYSDEVOP_pci_device_add = 25;
inline constexpr unsigned PHYSDEVOP_pci_device_remove = 26;
inline constexpr unsigned PHYSDEVOP_restore_msi_ext = 27;
inline constexpr unsigned PHYSDEVOP_pirq_eoi_gmfn_v2 = 28;
inline constexpr unsigned PHYSDEVOP_dbgp_op = 29;
inline constexpr unsigned PHYSDEVOP_prepare_msix = 30;
inline constexpr unsigned PHYSDEVOP_release_msix = 31;
// The current spelling: v2 clears the EOI bitmap page when it is registered.
inline constexpr unsigned PHYSDEVOP_pirq_eoi_gmfn = PHYSDEVOP_pirq_eoi_gmfn_v2;

// PHYSDEVOP_eoi: the guest finished servicing a pirq.
struct physdev_eoi {
    uint32_t irq;
};
static_assert(sizeof(physdev_eoi) == 4);

// PHYSDEVOP_pirq_eoi_gmfn_v1/v2: register a page whose bits say which pirqs need an EOI.
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
static_assert(sizeof(physdev_pirq_eoi_gmfn) == 8);

// PHYSDEVOP_irq_status_query.
struct physdev_irq_status_query {
    uint32_t irq;   // in
    uint32_t flags; // out: XENIRQSTAT_*
};
static_assert(sizeof(physdev_irq_status_query) == 8 &&
              offsetof(physdev_irq_status_query, flags) == 4);

inline constexpr unsigned XENIRQSTAT_needs_eoi_bit = 0;
inline constexpr uint32_t XENIRQSTAT_needs_eoi = 1u << 0; // PHYSDEVOP_eoi required
inline constexpr unsigned XENIRQSTAT_shared_bit = 1;
inline constexpr uint32_t XENIRQSTAT_shared = 1u << 1; // shared with other domains

// PHYSDEVOP_set_iopl: the I/O privilege level the guest kernel runs with (0-3).
struct physdev_set_iopl {
    uint32_t iopl;
};
static_assert(sizeof(physdev_set_iopl) == 4);

// PHYSDEVOP_set_iobitmap: a TSS-style bitmap of ports the guest may touch directly.
struct physdev_set_iobitmap {
    guest_handle<uint8_t> bitmap;
    uint32_t nr_ports;
};
static_assert(sizeof(physdev_set_iobitmap) == 16 && offsetof(physdev_set_iobitmap, nr_ports) == 8);

// PHYSDEVOP_apic_read / apic_write.
struct physdev_apic {
    uint64_t apic_physbase;
    uint32_t reg;
    uint32_t value; // in for write, out for read
};
static_assert(sizeof(physdev_apic) == 16 && offsetof(physdev_apic, value) == 12);

// PHYSDEVOP_alloc_irq_vector / free_irq_vector.
struct physdev_irq {
    uint32_t irq;
    uint32_t vector;
};
static_assert(sizeof(physdev_irq) == 8);

// PHYSDEVOP_map_pirq: bind a GSI or MSI to a pirq of domid.
inline constexpr int MAP_PIRQ_TYPE_MSI = 0x0;
inline constexpr int MAP_PIRQ_TYPE_GSI = 0x1;
inline constexpr int MAP_PIRQ_TYPE_UNKNOWN = 0x2;
inline constexpr int MAP_PIRQ_TYPE_MSI_SEG = 0x3;
inline constexpr int MAP_PIRQ_TYPE_MULTI_MSI = 0x4;

struct physdev_map_pirq {
    domid_t domid;
    int32_t type;  // MAP_PIRQ_TYPE_*
    int32_t index; // GSI, or MSI-X entry
    int32_t pirq;  // in or out
    int32_t bus;   // high 16 bits: PCI segment for *_MSI_SEG and *_MULTI_MSI
    int32_t devfn;
    int32_t entry_nr; // number of vectors for *_MULTI_MSI
    uint64_t table_base;
};
static_assert(sizeof(physdev_map_pirq) == 40);
static_assert(offsetof(physdev_map_pirq, type) == 4 && offsetof(physdev_map_pirq, pirq) == 12 &&
              offsetof(physdev_map_pirq, entry_nr) == 24 &&
              offsetof(physdev_map_pirq, table_base) == 32);

struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};
static_assert(sizeof(physdev_unmap_pirq) == 8);

// PHYSDEVOP_manage_pci_add / manage_pci_remove / restore_msi.
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
static_assert(sizeof(physdev_manage_pci) == 2);

struct physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};
static_assert(sizeof(physdev_restore_msi) == 2);

struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn; // the physical function, for a virtual function
};
static_assert(sizeof(physdev_manage_pci_ext) == 16 &&
              offsetof(physdev_manage_pci_ext, physfn) == 12);

// The union of the legacy multiplexed physdev_op_compat call.
struct physdev_op {
    uint32_t cmd;
    union {
        physdev_irq_status_query irq_status_query;
        physdev_set_iopl set_iopl;
        physdev_set_iobitmap set_iobitmap;
        physdev_apic apic_op;
        physdev_irq irq_op;
    } u;
};
static_assert(sizeof(physdev_op) == 24 && offsetof(physdev_op, u) == 8);

// PHYSDEVOP_setup_gsi: trigger mode and polarity of a GSI, from the dom0 ACPI tables.
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering; // 0 edge, 1 level
    uint8_t polarity;   // 0 active high, 1 active low
};
static_assert(sizeof(physdev_setup_gsi) == 8);

// PHYSDEVOP_get_free_pirq.
struct physdev_get_free_pirq {
    int32_t type;  // in: MAP_PIRQ_TYPE_GSI or MAP_PIRQ_TYPE_MSI
    uint32_t pirq; // out
};
static_assert(sizeof(physdev_get_free_pirq) == 8);

// PHYSDEVOP_pci_mmcfg_reserved.
inline constexpr uint32_t XEN_PCI_MMCFG_RESERVED = 0x1;
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;
};
static_assert(sizeof(physdev_pci_mmcfg_reserved) == 16 &&
              offsetof(physdev_pci_mmcfg_reserved, flags) == 12);

// PHYSDEVOP_pci_device_add.
inline constexpr uint32_t XEN_PCI_DEV_EXTFN = 0x1;
inline constexpr uint32_t XEN_PCI_DEV_VIRTFN = 0x2;
inline constexpr uint32_t XEN_PCI_DEV_PXM = 0x4; // optarr[0] holds the proximity domain
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags; // XEN_PCI_DEV_*
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint32_t optarr[]; // optional parameters, variable length
};
static_assert(sizeof(physdev_pci_device_add) == 12 &&
              offsetof(physdev_pci_device_add, physfn) == 8 &&
              offsetof(physdev_pci_device_add, optarr) == 12);

// PHYSDEVOP_pci_device_remove, restore_msi_ext, prepare_msix, release_msix.
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
static_assert(sizeof(physdev_pci_device) == 4);

// PHYSDEVOP_dbgp_op: a USB debug port is being reset.
inline constexpr uint8_t PHYSDEVOP_DBGP_RESET_PREPARE = 1;
inline constexpr uint8_t PHYSDEVOP_DBGP_RESET_DONE = 2;
inline constexpr uint8_t PHYSDEVOP_DBGP_BUS_UNKNOWN = 0;
inline constexpr uint8_t PHYSDEVOP_DBGP_BUS_PCI = 1;
struct physdev_dbgp_op {
    uint8_t op;
    uint8_t bus;
    union {
        physdev_pci_device pci;
    } u;
};
static_assert(sizeof(physdev_dbgp_op) == 6 && offsetof(physdev_dbgp_op, u) == 2);

} // namespace xen

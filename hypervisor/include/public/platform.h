// HYPERVISOR_platform_op(xen_platform_op *op): host platform management for the hardware
// domain -- wall clock, MTRRs, microcode, firmware tables, ACPI sleep, power management,
// CPU and memory hotplug. Sub-op numbers and the outer structure only for now; the
// per-op payloads come with their implementations.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr uint32_t XENPF_INTERFACE_VERSION = 0x03000001;

inline constexpr unsigned XENPF_settime32 = 17;
inline constexpr unsigned XENPF_add_memtype = 31;
inline constexpr unsigned XENPF_del_memtype = 32;
inline constexpr unsigned XENPF_read_memtype = 33;
inline constexpr unsigned XENPF_microcode_update = 35;
inline constexpr unsigned XENPF_platform_quirk = 39;
inline constexpr unsigned XENPF_get_cpu_version = 48;
inline constexpr unsigned XENPF_efi_runtime_call = 49;
inline constexpr unsigned XENPF_firmware_info = 50;
inline constexpr unsigned XENPF_enter_acpi_sleep = 51;
inline constexpr unsigned XENPF_change_freq = 52;
inline constexpr unsigned XENPF_getidletime = 53;
inline constexpr unsigned XENPF_set_processor_pminfo = 54;
inline constexpr unsigned XENPF_get_cpuinfo = 55;
inline constexpr unsigned XENPF_cpu_online = 56;
inline constexpr unsigned XENPF_cpu_offline = 57;
inline constexpr unsigned XENPF_cpu_hotadd = 58;
inline constexpr unsigned XENPF_mem_hotadd = 59;
inline constexpr unsigned XENPF_core_parking = 60;
inline constexpr unsigned XENPF_resource_op = 61;
inline constexpr unsigned XENPF_settime64 = 62;
inline constexpr unsigned XENPF_get_symbol = 63;
// The current meaning of "settime".
inline constexpr unsigned XENPF_settime = XENPF_settime64;

// XENPF_firmware_info: what firmware told the hypervisor at boot.
inline constexpr uint32_t XEN_FW_DISK_INFO = 1;
inline constexpr uint32_t XEN_FW_DISK_MBR_SIGNATURE = 2;
inline constexpr uint32_t XEN_FW_VBEDDC_INFO = 3;
inline constexpr uint32_t XEN_FW_EFI_INFO = 4;
// Index values of XEN_FW_EFI_INFO.
inline constexpr uint32_t XEN_FW_EFI_VERSION = 0;
inline constexpr uint32_t XEN_FW_EFI_CONFIG_TABLE = 1;
inline constexpr uint32_t XEN_FW_EFI_VENDOR = 2;
inline constexpr uint32_t XEN_FW_EFI_MEM_INFO = 3;
inline constexpr uint32_t XEN_FW_EFI_RT_VERSION = 4;
inline constexpr uint32_t XEN_FW_EFI_PCI_ROM = 5;
inline constexpr uint32_t XEN_FW_EFI_APPLE_PROPERTIES = 6;
inline constexpr uint32_t XEN_FW_KBD_SHIFT_FLAGS = 5;

// XENPF_firmware_info: type and index in; the answer (EDD disk data, MBR signatures, the
// display's EDID, EFI tables, the BIOS keyboard shift flags) in the union, of which only
// the shift flags are modelled here.
struct xenpf_firmware_info {
    uint32_t type;  // XEN_FW_*
    uint32_t index;
    union {
        alignas(8) uint8_t raw[32];
        uint8_t kbd_shift_flags; // XEN_FW_KBD_SHIFT_FLAGS
    } u;
};
static_assert(sizeof(xenpf_firmware_info) == 40 && offsetof(xenpf_firmware_info, u) == 8);

// XENPF_get_cpuinfo: one physical CPU by Xen's number.
inline constexpr uint32_t XEN_PCPU_FLAGS_ONLINE = 1;
inline constexpr uint32_t XEN_PCPU_FLAGS_INVALID = 2; // no such CPU
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;   // IN
    uint32_t max_present; // OUT: the highest CPU number present
    uint32_t flags;       // OUT: XEN_PCPU_FLAGS_*
    uint32_t apic_id;
    uint32_t acpi_id;
};
static_assert(sizeof(xenpf_pcpuinfo) == 20 && offsetof(xenpf_pcpuinfo, acpi_id) == 16);

// XENPF_get_cpu_version: a physical CPU's vendor, family, model and stepping.
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;   // IN
    uint32_t max_present; // OUT
    char vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
static_assert(sizeof(xenpf_pcpu_version) == 32 && offsetof(xenpf_pcpu_version, family) == 20);

struct xen_platform_op {
    uint32_t cmd;               // XENPF_*
    uint32_t interface_version; // XENPF_INTERFACE_VERSION
    union {
        alignas(8) uint8_t pad[128]; // the per-op payload
    } u;
};
static_assert(sizeof(xen_platform_op) == 136 && offsetof(xen_platform_op, u) == 8);

} // namespace xen

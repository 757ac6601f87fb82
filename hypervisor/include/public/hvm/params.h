// HVM parameters: per-domain values of HVM and PVH guests, read and written with
// HVMOP_get_param / HVMOP_set_param (the toolstack sets most; the guest reads the
// xenstore and console rings from here).
#pragma once
#include <stdint.h>

namespace xen {

// HVM_PARAM_CALLBACK_IRQ: how event-channel upcalls reach the guest. The top byte of the
// value is the type; the rest its argument.
inline constexpr uint32_t HVM_PARAM_CALLBACK_IRQ = 0;
inline constexpr uint64_t HVM_PARAM_CALLBACK_IRQ_TYPE_MASK = 0xFF00000000000000ull;
inline constexpr uint64_t HVM_PARAM_CALLBACK_TYPE_GSI = 0;      // value: GSI (0 disables)
inline constexpr uint64_t HVM_PARAM_CALLBACK_TYPE_PCI_INTX = 1; // value: bus/devfn/intx
inline constexpr uint64_t HVM_PARAM_CALLBACK_TYPE_VECTOR = 2;   // x86: value: IDT vector

inline constexpr uint32_t HVM_PARAM_STORE_PFN = 1;    // xenstore ring frame
inline constexpr uint32_t HVM_PARAM_STORE_EVTCHN = 2; // xenstore event channel
inline constexpr uint32_t HVM_PARAM_PAE_ENABLED = 4;  // tools
inline constexpr uint32_t HVM_PARAM_IOREQ_PFN = 5;    // device-model ioreq page
inline constexpr uint32_t HVM_PARAM_BUFIOREQ_PFN = 6; // buffered ioreq page
inline constexpr uint32_t HVM_PARAM_VIRIDIAN = 9;     // Hyper-V enlightenments (HVMPV_*)
inline constexpr uint32_t HVM_PARAM_TIMER_MODE = 10;  // HVMPTM_*
inline constexpr uint32_t HVM_PARAM_HPET_ENABLED = 11;
inline constexpr uint32_t HVM_PARAM_IDENT_PT = 12;  // identity page table (no-EPT real mode)
inline constexpr uint32_t HVM_PARAM_DM_DOMAIN = 13; // tools: device-model domain
inline constexpr uint32_t HVM_PARAM_ACPI_S_STATE = 14;
inline constexpr uint32_t HVM_PARAM_VM86_TSS = 15;
inline constexpr uint32_t HVM_PARAM_VPT_ALIGN = 16;
inline constexpr uint32_t HVM_PARAM_CONSOLE_PFN = 17;    // console ring frame
inline constexpr uint32_t HVM_PARAM_CONSOLE_EVTCHN = 18; // console event channel
inline constexpr uint32_t HVM_PARAM_ACPI_IOPORTS_LOCATION = 19;
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_CR0 = 20;         // tools, obsolete
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_CR3 = 21;         // tools, obsolete
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_CR4 = 22;         // tools, obsolete
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_INT3 = 23;        // tools, obsolete
inline constexpr uint32_t HVM_PARAM_NESTEDHVM = 24;                // tools
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_SINGLE_STEP = 25; // tools, obsolete
inline constexpr uint32_t HVM_PARAM_BUFIOREQ_EVTCHN = 26;          // tools
inline constexpr uint32_t HVM_PARAM_PAGING_RING_PFN = 27;
inline constexpr uint32_t HVM_PARAM_MONITOR_RING_PFN = 28;
inline constexpr uint32_t HVM_PARAM_SHARING_RING_PFN = 29;
inline constexpr uint32_t HVM_PARAM_MEMORY_EVENT_MSR = 30; // tools, obsolete
inline constexpr uint32_t HVM_PARAM_TRIPLE_FAULT_REASON = 31;
inline constexpr uint32_t HVM_PARAM_IOREQ_SERVER_PFN = 32;
inline constexpr uint32_t HVM_PARAM_NR_IOREQ_SERVER_PAGES = 33;
inline constexpr uint32_t HVM_PARAM_VM_GENERATION_ID_ADDR = 34;
inline constexpr uint32_t HVM_PARAM_ALTP2M = 35; // XEN_ALTP2M_*
inline constexpr uint32_t HVM_PARAM_X87_FIP_WIDTH = 36;
inline constexpr uint32_t HVM_PARAM_VM86_TSS_SIZED = 37;
inline constexpr uint32_t HVM_PARAM_MCA_CAP = 38; // XEN_HVM_MCA_CAP_*
inline constexpr uint32_t HVM_NR_PARAMS = 39;

// HVM_PARAM_TIMER_MODE values.
inline constexpr uint64_t HVMPTM_delay_for_missed_ticks = 0;
inline constexpr uint64_t HVMPTM_no_delay_for_missed_ticks = 1;
inline constexpr uint64_t HVMPTM_no_missed_ticks_pending = 2;
inline constexpr uint64_t HVMPTM_one_missed_tick_pending = 3;

// HVM_PARAM_ALTP2M values.
inline constexpr uint64_t XEN_ALTP2M_disabled = 0;
inline constexpr uint64_t XEN_ALTP2M_mixed = 1;
inline constexpr uint64_t XEN_ALTP2M_external = 2;
inline constexpr uint64_t XEN_ALTP2M_limited = 3;

// HVM_PARAM_MCA_CAP bits.
inline constexpr uint64_t XEN_HVM_MCA_CAP_LMCE = 1ull << 0;
inline constexpr uint64_t XEN_HVM_MCA_CAP_MASK = XEN_HVM_MCA_CAP_LMCE;

} // namespace xen

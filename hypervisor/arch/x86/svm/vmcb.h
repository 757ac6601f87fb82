// The AMD SVM virtual machine control block (AMD64 APM vol. 2, appendix B): one 4 KiB page
// per vCPU, a control area (intercepts, event injection, exit information) and the guest
// state VMRUN loads and #VMEXIT saves. Offsets are the architecture's, checked below.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace svm {

struct VmcbSegment {
    uint16_t sel;
    uint16_t attr; // descriptor bits 40-47 in 0-7, bits 52-55 in 8-11
    uint32_t limit;
    uint64_t base;
};
static_assert(sizeof(VmcbSegment) == 16);

struct alignas(4096) Vmcb {
    // Control area.
    uint32_t cr_intercepts; // reads in 0-15, writes in 16-31
    uint32_t dr_intercepts;
    uint32_t exception_intercepts;
    uint32_t intercepts1;
    uint32_t intercepts2;
    uint32_t intercepts3;
    uint8_t reserved0[0x3c - 0x18];
    uint16_t pause_filter_threshold;
    uint16_t pause_filter_count;
    uint64_t iopm_base_pa;
    uint64_t msrpm_base_pa;
    uint64_t tsc_offset;
    uint32_t asid;
    uint8_t tlb_control;
    uint8_t reserved1[3];
    uint64_t vintr;     // V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING, V_INTR_VECTOR
    uint64_t int_state; // bit 0: interrupt shadow
    uint64_t exit_code;
    uint64_t exit_info1;
    uint64_t exit_info2;
    uint64_t exit_int_info;
    uint64_t np_control; // bit 0: nested paging
    uint64_t avic_apic_bar;
    uint64_t ghcb_pa;
    uint64_t event_inj;
    uint64_t n_cr3;
    uint64_t virt_ext; // LBR virtualization, virtual VMSAVE/VMLOAD
    uint32_t clean_bits;
    uint32_t reserved2;
    uint64_t next_rip;
    uint8_t insn_len;
    uint8_t insn_bytes[15];
    uint8_t reserved3[0x400 - 0xe0];

    // State save area.
    VmcbSegment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
    uint8_t reserved4[0x4cb - 0x4a0];
    uint8_t cpl;
    uint32_t reserved5;
    uint64_t efer;
    uint8_t reserved6[0x548 - 0x4d8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
    uint8_t reserved7[0x5d8 - 0x580];
    uint64_t rsp;
    uint64_t s_cet, ssp, isst_addr;
    uint64_t rax;
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t cr2;
    uint8_t reserved8[0x668 - 0x648];
    uint64_t g_pat;
    uint64_t dbgctl;
    uint64_t br_from, br_to, last_excp_from, last_excp_to;
    uint8_t reserved9[0x1000 - 0x698];
};
static_assert(sizeof(Vmcb) == 4096);
static_assert(offsetof(Vmcb, iopm_base_pa) == 0x40 && offsetof(Vmcb, asid) == 0x58 &&
              offsetof(Vmcb, vintr) == 0x60 && offsetof(Vmcb, exit_code) == 0x70 &&
              offsetof(Vmcb, exit_int_info) == 0x88 && offsetof(Vmcb, np_control) == 0x90 &&
              offsetof(Vmcb, event_inj) == 0xa8 && offsetof(Vmcb, n_cr3) == 0xb0 &&
              offsetof(Vmcb, clean_bits) == 0xc0 && offsetof(Vmcb, next_rip) == 0xc8 &&
              offsetof(Vmcb, insn_len) == 0xd0);
static_assert(offsetof(Vmcb, es) == 0x400 && offsetof(Vmcb, tr) == 0x490 &&
              offsetof(Vmcb, cpl) == 0x4cb && offsetof(Vmcb, efer) == 0x4d0 &&
              offsetof(Vmcb, cr4) == 0x548 && offsetof(Vmcb, rip) == 0x578 &&
              offsetof(Vmcb, rsp) == 0x5d8 && offsetof(Vmcb, rax) == 0x5f8 &&
              offsetof(Vmcb, star) == 0x600 && offsetof(Vmcb, cr2) == 0x640 &&
              offsetof(Vmcb, g_pat) == 0x668);

// intercepts1 (vector 3).
inline constexpr uint32_t kInterceptIntr = 1u << 0, kInterceptNmi = 1u << 1,
                          kInterceptSmi = 1u << 2, kInterceptInit = 1u << 3,
                          kInterceptVintr = 1u << 4, kInterceptRdpmc = 1u << 15,
                          kInterceptCpuid = 1u << 18, kInterceptRsm = 1u << 19,
                          kInterceptInvd = 1u << 22, kInterceptHlt = 1u << 24,
                          kInterceptInvlpga = 1u << 26, kInterceptIoio = 1u << 27,
                          kInterceptMsr = 1u << 28, kInterceptTaskSwitch = 1u << 29,
                          kInterceptFerrFreeze = 1u << 30, kInterceptShutdown = 1u << 31;
// intercepts2 (vector 4).
inline constexpr uint32_t kInterceptVmrun = 1u << 0, kInterceptVmmcall = 1u << 1,
                          kInterceptVmload = 1u << 2, kInterceptVmsave = 1u << 3,
                          kInterceptStgi = 1u << 4, kInterceptClgi = 1u << 5,
                          kInterceptSkinit = 1u << 6, kInterceptIcebp = 1u << 8,
                          kInterceptMonitor = 1u << 10, kInterceptMwait = 1u << 11,
                          kInterceptMwaitCond = 1u << 12, kInterceptXsetbv = 1u << 13;

// vintr.
inline constexpr uint64_t kVIrq = 1ull << 8, kVIntrPrioShift = 16, kVIgnTpr = 1ull << 20,
                          kVIntrMasking = 1ull << 24;

// event_inj and exit_int_info.
inline constexpr uint64_t kEventValid = 1ull << 31, kEventErrorValid = 1ull << 11;
inline constexpr uint64_t kEventTypeIntr = 0 << 8, kEventTypeNmi = 2 << 8,
                          kEventTypeException = 3 << 8, kEventTypeSoftInt = 4 << 8;

// tlb_control.
inline constexpr uint8_t kTlbFlushNone = 0, kTlbFlushAll = 1, kTlbFlushAsid = 3;

// Exit codes.
enum ExitCode : uint64_t {
    kExitCr0Read = 0x00,
    kExitCr0Write = 0x10,
    kExitDr0Read = 0x20,
    kExitDr0Write = 0x30,
    kExitException = 0x40, // + vector
    kExitIntr = 0x60,
    kExitNmi = 0x61,
    kExitSmi = 0x62,
    kExitInit = 0x63,
    kExitVintr = 0x64,
    kExitRdpmc = 0x6f,
    kExitCpuid = 0x72,
    kExitRsm = 0x73,
    kExitInvd = 0x76,
    kExitPause = 0x77,
    kExitHlt = 0x78,
    kExitInvlpga = 0x7a,
    kExitIoio = 0x7b,
    kExitMsr = 0x7c,
    kExitTaskSwitch = 0x7d,
    kExitFerrFreeze = 0x7e,
    kExitShutdown = 0x7f,
    kExitVmrun = 0x80,
    kExitVmmcall = 0x81,
    kExitVmload = 0x82,
    kExitVmsave = 0x83,
    kExitStgi = 0x84,
    kExitClgi = 0x85,
    kExitSkinit = 0x86,
    kExitIcebp = 0x88,
    kExitMonitor = 0x8a,
    kExitMwait = 0x8b,
    kExitMwaitCond = 0x8c,
    kExitXsetbv = 0x8d,
    kExitNpf = 0x400,
    kExitInvalid = ~0ull,
};

// IOIO exit_info1.
inline constexpr uint64_t kIoioIn = 1 << 0, kIoioStr = 1 << 2, kIoioRep = 1 << 3;

} // namespace svm

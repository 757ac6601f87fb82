#include "arch/traps.h"

#include "arch/cpu.h"
#include "arch/extable.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/pv_hypercalls.h"
#include "arch/pv_shadow.h"
#include "common/console.h"
#include "common/panic.h"

extern "C" char __image_start[], __image_end[];

namespace arch {
namespace {

constinit IrqHandler irq_handlers[256] = {};

// clang-format off
constexpr const char* kExceptionNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
    "#MF x87 floating point", "#AC alignment check", "#MC machine check",
    "#XM SIMD floating point", "#VE virtualization", "#CP control protection", "reserved 22",
    "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved 31"};
// clang-format on

[[noreturn]] void fatal_exception(TrapFrame& frame) {
    console::force_unlock();
    log_error("*** fatal exception on CPU %u: %s, error code %#x ***", this_cpu_id(),
              exception_name(frame.vector), frame.error_code);
    if (frame.vector == kVecPageFault)
        log_error("faulting address (CR2): %#018lx (%s, %s, %s)", read_cr2(),
                  frame.error_code & 1 ? "protection violation" : "not present",
                  frame.error_code & 2 ? "write" : "read",
                  frame.error_code & 16 ? "instruction fetch" : "data");
    dump_frame(frame);
    backtrace(frame.rip, frame.rbp);
    panic_without_backtrace("unhandled %s at rip %#lx", exception_name(frame.vector), frame.rip);
}

} // namespace

const char* exception_name(unsigned vector) {
    return vector < 32 ? kExceptionNames[vector] : "external interrupt";
}

void set_irq_handler(uint8_t vector, IrqHandler handler) {
    irq_handlers[vector] = handler;
}

void dump_frame(const TrapFrame& f) {
    log_error("RIP: %04lx:%016lx  RFLAGS: %016lx", f.cs, f.rip, f.rflags);
    log_error("RSP: %04lx:%016lx", f.ss, f.rsp);
    log_error("RAX: %016lx  RBX: %016lx  RCX: %016lx", f.rax, f.rbx, f.rcx);
    log_error("RDX: %016lx  RSI: %016lx  RDI: %016lx", f.rdx, f.rsi, f.rdi);
    log_error("RBP: %016lx  R8:  %016lx  R9:  %016lx", f.rbp, f.r8, f.r9);
    log_error("R10: %016lx  R11: %016lx  R12: %016lx", f.r10, f.r11, f.r12);
    log_error("R13: %016lx  R14: %016lx  R15: %016lx", f.r13, f.r14, f.r15);
    log_error("CR0: %016lx  CR2: %016lx  CR3: %016lx  CR4: %016lx", read_cr0(), read_cr2(),
              read_cr3(), read_cr4());
}

void backtrace(uint64_t rip, uint64_t rbp) {
    // Only follow frames that lie inside this CPU's stack block: a corrupt chain must not
    // fault the panic path itself.
    uintptr_t block = reinterpret_cast<uintptr_t>(cpu_info()) + CPU_INFO_SIZE - STACK_SIZE;
    log_error("Backtrace (addr2line -e build/xenon <address>):");
    log_error("  [<%016lx>]", rip);
    for (int depth = 0; depth < 32; depth++) {
        if (rbp < block || rbp + 16 > block + STACK_SIZE || (rbp & 7))
            break;
        auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        uint64_t ret = frame[1];
        if (ret < reinterpret_cast<uint64_t>(__image_start) ||
            ret >= reinterpret_cast<uint64_t>(__image_end))
            break; // not a return address into xenon

        log_error("  [<%016lx>]", ret);
        if (frame[0] <= rbp)
            break; // frames go upwards; anything else is a loop or garbage
        rbp = frame[0];
    }
}

} // namespace arch

using namespace arch;

extern "C" [[gnu::hot]] void trap_dispatch(TrapFrame* frame) {
    unsigned vector = frame->vector;
    bool from_guest = (frame->cs & 3) == 3;
    if (from_guest && vector != kVecNmi && vector != kVecMachineCheck &&
        vector != kVecDoubleFault) {
        // Guests run with interrupts on; a fault in one may take its time (emulation,
        // copying guest memory), but the exit below must see events atomically.
        if (vector < 32) {
            pv_guest_trap(*frame);
        } else if (IrqHandler handler = irq_handlers[vector]) {
            handler(*frame);
        } else if (vector != kVecSpurious) {
            lapic_eoi();
        }
        irq_disable();
        pv_exit_to_guest(*frame);
        return;
    }
    if (vector < 32) {
        // A guest's watchpoint hit while xenon copied guest memory: not xenon's fault.
        if (vector == kVecDebug && pv_debug_trap_in_hypervisor(*frame))
            return;
        if ((vector == kVecGeneralProtection || vector == kVecNoSegment ||
             vector == kVecStackFault) &&
            pv_iret_fault(*frame))
            return; // not reached: the guest was re-entered
        // xenon's own access to a guest page whose shadow emulates Accessed/Dirty.
        if (vector == kVecPageFault && current_vcpu() &&
            pv_shadow_fault(*current_vcpu(), read_cr2(), frame->error_code))
            return;
        if (vector != kVecNmi && vector != kVecMachineCheck && extable_fixup(*frame))
            return;
        if (vector == kVecNmi) {
            if (this_cpu().in_panic)
                halt_forever();
            log_warn("NMI on CPU %u ignored (no NMI source is expected)", this_cpu_id());
            return;
        }
        fatal_exception(*frame);
    }
    if (IrqHandler handler = irq_handlers[vector]) {
        handler(*frame);
        return;
    }
    if (vector == kVecSpurious)
        return; // spurious interrupts need no EOI
    log_warn("unexpected interrupt vector %#x on CPU %u", vector, this_cpu_id());
    lapic_eoi();
}

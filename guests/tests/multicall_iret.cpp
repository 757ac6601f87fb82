// HYPERVISOR_iret inside a multicall (Xen 4.17, after XSA-213): the entries before it
// run, the iret takes effect (the guest resumes at the rip of the iret context on its
// stack, with that context's rax, rcx and r11), its own entry's result is the context's
// rax, and the batch ends there: later entries never run and keep their result fields.
// Here the iret returns to the kernel itself, as the first, a middle and the last entry.
#include "public/version.h"
#include "runtime.h"

namespace {

constexpr uint64_t kRax = 0xdead, kRcx = 0x5c5c, kR11 = 0x1111, kUntouched = 0x5555;

struct Seen {
    uint64_t rax, rcx, r11;
};

// Issues the multicall with an iret context on the stack that resumes right after it.
Seen multicall_with_iret_frame(xen::multicall_entry* mc, unsigned count) {
    static Seen s;
    uint64_t list = xt::arg(mc), n = count;
    asm volatile(
        "mov %%rsp, %%r12\n\t"
        "and $-16, %%rsp\n\t"
        "pushq $0xe02b\n\t" // ss
        "push %%r12\n\t"    // rsp: back where we were
        "pushq $0x2\n\t"    // rflags: IF clear, events stay masked
        "pushq $0xe030\n\t" // cs, RPL 0: back to the kernel
        "lea 1f(%%rip), %%rax\n\t"
        "push %%rax\n\t" // rip
        "pushq $0\n\t"   // flags: rcx and r11 from the context
        "pushq %[rcx]\n\t"
        "pushq %[r11]\n\t"
        "pushq %[rax]\n\t"
        "mov %[nr], %%eax\n\t"
        "syscall\n\t"
        "ud2\n"
        "1:\n\t"
        "mov %%r12, %%rsp\n\t"
        "mov %%rax, %[out_rax]\n\t"
        "mov %%rcx, %[out_rcx]\n\t"
        "mov %%r11, %[out_r11]"
        : [out_rax] "=m"(s.rax), [out_rcx] "=m"(s.rcx), [out_r11] "=m"(s.r11), "+D"(list), "+S"(n)
        : [rcx] "i"(kRcx), [r11] "i"(kR11), [rax] "i"(kRax), [nr] "i"(xen::HYPERVISOR_multicall)
        : "rax", "rcx", "r11", "r12", "rdx", "r8", "r9", "r10", "memory", "cc");
    return s;
}

void version_entry(xen::multicall_entry& m) {
    m = {};
    m.op = xen::HYPERVISOR_xen_version;
    m.args[0] = xen::XENVER_version;
    m.result = kUntouched;
}

void iret_entry(xen::multicall_entry& m) {
    m = {};
    m.op = xen::HYPERVISOR_iret;
    m.result = kUntouched;
}

} // namespace

void test_main() {
    const long version = xt::xen_version(xen::XENVER_version);
    static xen::multicall_entry mc[3];
    for (unsigned at = 0; at < 3; at++) {
        for (unsigned i = 0; i < 3; i++)
            (i == at ? iret_entry : version_entry)(mc[i]);
        Seen s = multicall_with_iret_frame(mc, 3);
        XT_CHECK_EQ(s.rax, kRax);
        XT_CHECK_EQ(s.rcx, kRcx);
        XT_CHECK_EQ(s.r11, kR11);
        for (unsigned i = 0; i < 3; i++) {
            uint64_t want = i < at ? uint64_t(version) : i == at ? kRax : kUntouched;
            if (mc[i].result != want)
                xt::report_failure("iret at %u: entry %u result %#lx, expected %#lx", at, i,
                                   mc[i].result, want);
        }
        XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    }
    // The batch did not leave the vCPU in a multicall: another one works.
    version_entry(mc[0]);
    XT_CHECK_RC(xt::multicall(mc, 1), 0);
    XT_CHECK_EQ(long(mc[0].result), version);
    xt::report_success();
}

// Finding and enabling SVM: CPUID 0x80000001 (SVM) and 0x8000000A (nested paging, ASIDs),
// VM_CR.SVMDIS clear, then on every CPU EFER.SVME and a host save area. Then ASIDs: each
// CPU hands them out in generations, so a vCPU keeps its TLB entries while it stays on
// one CPU, and a CPU that runs out starts a new generation with one full flush.
#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/memory/buddy.h"

namespace svm {
namespace {

constexpr uint32_t kMsrVmCr = 0xc0010114;
constexpr uint32_t kMsrHsavePa = 0xc0010117;
constexpr uint64_t kVmCrSvmDis = 1 << 4;
constexpr uint64_t kEferSvme = 1 << 12;

constinit SvmCpu cpus[arch::kMaxCpus] = {};
constinit bool available = false;
constinit uint32_t asid_limit = 0; // one past the highest ASID

bool detect() {
    const arch::CpuFeatures& f = arch::cpu_features();
    if (!f.svm || f.max_ext_leaf < 0x8000000a)
        return false;
    arch::CpuidResult r = arch::cpuid(0x8000000a);
    if (!(r.edx & 1)) {
        log_info("svm: no nested paging; HVM guests unavailable");
        return false;
    }
    if (arch::rdmsr(kMsrVmCr) & kVmCrSvmDis) {
        log_info("svm: disabled by the firmware (VM_CR.SVMDIS)");
        return false;
    }
    asid_limit = r.ebx;
    log_info("svm: revision %u, %u ASIDs, nested paging%s%s", r.eax & 0xff, r.ebx,
             r.edx & (1 << 3) ? ", NRIPS" : " (no NRIPS: xenon decodes lengths)",
             r.edx & (1 << 16) ? ", vGIF" : "");
    return asid_limit > 1;
}

} // namespace

SvmCpu& this_svm_cpu() {
    return cpus[arch::this_cpu_id()];
}
uint32_t max_asid() {
    return asid_limit - 1;
}

void asid_assign(Vcpu& v, Vmcb& vmcb) {
    hvm::HvmVcpu& h = hvm::vcpu_of(v);
    SvmCpu& c = this_svm_cpu();
    unsigned cpu = arch::this_cpu_id();
    hvm::HvmDomain& hd = hvm::domain_of(*v.domain);
    uint64_t p2m_gen = __atomic_load_n(&hd.p2m_generation, __ATOMIC_ACQUIRE);
    vmcb.tlb_control = kTlbFlushNone;
    if (h.asid_cpu == cpu && h.asid_generation == c.asid_generation && h.p2m_generation == p2m_gen)
        return;
    if (c.next_asid >= asid_limit) {
        c.asid_generation++;
        c.next_asid = 1;
        c.flush_all = true;
    }
    h.asid = c.next_asid++;
    h.asid_cpu = cpu;
    h.asid_generation = c.asid_generation;
    h.p2m_generation = p2m_gen;
    vmcb.asid = h.asid;
    // A reused ASID may still tag another vCPU's translations.
    vmcb.tlb_control = c.flush_all ? kTlbFlushAll : kTlbFlushAsid;
    c.flush_all = false;
}

} // namespace svm

namespace arch {

bool hvm_available() {
    return svm::available;
}

void hvm_cpu_init() {
    unsigned id = this_cpu_id();
    if (id == 0)
        svm::available = svm::detect();
    if (!svm::available)
        return;
    svm::SvmCpu& c = svm::cpus[id];
    void* hsave = memory::alloc_zeroed_page();
    void* host = memory::alloc_zeroed_page();
    if (!hsave || !host) {
        log_warn("svm: no memory for CPU %u's host state; HVM guests unavailable", id);
        svm::available = false;
        return;
    }
    c.hsave_pa = virt_to_phys(hsave);
    c.host_area_pa = virt_to_phys(host);
    c.next_asid = 1;
    c.asid_generation = 1;
    c.flush_all = true;
    wrmsr(msr::kEfer, rdmsr(msr::kEfer) | svm::kEferSvme);
    wrmsr(svm::kMsrHsavePa, c.hsave_pa);
}

} // namespace arch

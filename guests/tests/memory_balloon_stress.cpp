// A balloon driver's loop: 64 rounds of giving back 128 frames (some still mapped at the
// time) and populating 128 again, then one batch of 5000 frames each way (longer than
// one slice of the hypercall: it continues). Afterwards the reservation and the
// hypervisor's free memory (XEN_SYSCTL_physinfo) are what they were: no frame leaks,
// none is counted twice.
// conformance: timeout=180
#include "free_memory.h"
#include "memop_util.h"

static constexpr unsigned kFrames = 128;
static uint64_t list[kFrames];
static constexpr unsigned kBatch = 5000;
static uint64_t batch[kBatch];

void test_main() {
    const uint64_t base = xt::start_info->nr_pages + 0x1000;
    for (unsigned i = 0; i < kFrames; i++)
        list[i] = base + i;
    XT_CHECK_RC(memop::populate(list, kFrames), kFrames);
    long pages = memop::current_pages();
    uint64_t free = xt::free_pages();
    for (unsigned round = 0; round < 64; round++) {
        XT_CHECK_RC(memop::map_scratch(list[round % kFrames]), 0);
        XT_CHECK_RC(memop::decrease(list, kFrames), kFrames);
        memop::unmap_scratch();
        XT_CHECK_EQ(memop::current_pages(), pages - kFrames);
        for (unsigned i = 0; i < kFrames; i++)
            list[i] = base + i;
        XT_CHECK_RC(memop::populate(list, kFrames), kFrames);
        XT_CHECK_EQ(memop::current_pages(), pages);
    }
    memop::check_usable(list[0], 1);

    for (unsigned i = 0; i < kBatch; i++)
        batch[i] = base + kFrames + i;
    XT_CHECK_RC(memop::populate(batch, kBatch), kBatch);
    XT_CHECK_EQ(memop::current_pages(), pages + kBatch);
    XT_CHECK_EQ(mmu::m2p(batch[kBatch - 1]), base + kFrames + kBatch - 1);
    memop::check_usable(batch[kBatch - 1], 2);
    XT_CHECK_RC(memop::decrease(batch, kBatch), kBatch);
    uint64_t free_after = xt::free_pages();
    xt::printf("reservation %ld, free pages %lu before, %lu after\n", pages, free, free_after);
    XT_CHECK_EQ(memop::current_pages(), pages);
    XT_CHECK_EQ(free_after, free);
    xt::report_success();
}

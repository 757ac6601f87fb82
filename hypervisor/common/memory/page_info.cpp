#include "common/memory/page_info.h"

namespace memory {

namespace {
constinit FrameTable g_frame_table;
} // namespace

FrameTable &frame_table() {
    return g_frame_table;
}

void FrameTable::init(PageInfo *storage, uint64_t frame_count) {
    ASSERT(storage != nullptr || frame_count == 0);
    ASSERT(frame_count <= kMaxFrames);
    // One linear pass: at 16 GiB this is 4M records, so keep the loop body trivial.
    for (uint64_t i = 0; i < frame_count; i++) {
        PageInfo &pg = storage[i];
        pg.count_info = 0;
        pg.type_info = 0;
        pg.next = kNoFrame;
        pg.prev = kNoFrame;
        pg.owner = kDomIdInvalid;
        pg.state = FrameState::reserved;
        pg.order = kNoOrder;
        pg.aux = 0;
    }
    pages_ = storage;
    count_ = frame_count;
}

} // namespace memory
